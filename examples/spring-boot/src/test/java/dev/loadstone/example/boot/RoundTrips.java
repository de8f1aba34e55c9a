package dev.loadstone.example.boot;

import dev.loadstone.session.testing.RedisServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts what the applications send Redis while a step runs, from the server's {@code MONITOR} stream, so both nodes
 * and every client library are counted alike. Counts, not times. A line from a client connection is one command a
 * client sent, that is one round trip (neither Lettuce, awaited one command at a time here, nor Spring Data Redis
 * pipelines a request's commands); a line marked {@code lua} ran inside a script and costs no round trip. Both are
 * reported.
 */
final class RoundTrips {
  private static final Pattern LINE = Pattern.compile("^\\+?\\d+\\.\\d+ \\[\\d+ ([^\\]]+)\\] \"([^\"]+)\"");

  /** One measured step: commands sent by clients (round trips) and commands run inside scripts, by name. */
  record Row(String step, int requests, Map<String, Long> sent, Map<String, Long> inScripts) {
    long roundTrips() {
      return sent.values().stream().mapToLong(Long::longValue).sum();
    }

    long executed() {
      return roundTrips() + inScripts.values().stream().mapToLong(Long::longValue).sum();
    }

    static String names(Map<String, Long> commands) {
      List<String> parts = new ArrayList<>();
      commands.forEach((c, n) -> parts.add(c + " " + n));
      return parts.isEmpty() ? "-" : String.join(", ", parts);
    }
  }

  interface Step {
    void run() throws Exception;
  }

  private final RedisServerProcess redis;
  final List<Row> rows = new ArrayList<>();
  private int marks;

  RoundTrips(RedisServerProcess redis) {
    this.redis = redis;
  }

  Row measure(String step, Browser browser, Step body) throws Exception {
    String mark = "round-trips-mark-" + (++marks) + "-" + System.nanoTime();
    Map<String, Long> sent = new TreeMap<>();
    Map<String, Long> inScripts = new TreeMap<>();
    int requestsBefore = browser.requests;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      if (!"+OK".equals(in.readLine())) {
        throw new IllegalStateException("MONITOR refused");
      }
      CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
        try {
          for (String line; (line = in.readLine()) != null; ) {
            if (line.contains(mark)) {
              return; // everything sent before the mark has been seen
            }
            Matcher m = LINE.matcher(line);
            if (m.find()) {
              String command = m.group(2).toUpperCase(Locale.ROOT);
              (m.group(1).equals("lua") ? inScripts : sent).merge(command, 1L, Long::sum);
            }
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      body.run();
      redis.call("ECHO", mark);
      reading.get(30, TimeUnit.SECONDS);
    }
    Row row = new Row(step, browser.requests - requestsBefore, sent, inScripts);
    rows.add(row);
    return row;
  }

  /** Writes the rows as a Markdown table to {@code target/round-trips/<name>.md} (copied into benchmarks/README.md). */
  void write(String name) throws IOException {
    StringBuilder md = new StringBuilder("| " + name + " (Spring Boot " + System.getProperty("example.boot.line", "?")
        + ") | HTTP requests | round trips | per request | commands sent | run inside scripts |\n|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %s | %s |%n", r.step(), r.requests(), r.roundTrips(),
          (double) r.roundTrips() / r.requests(), Row.names(r.sent()), Row.names(r.inScripts())));
    }
    Path dir = Files.createDirectories(Path.of("target", "round-trips"));
    Files.writeString(dir.resolve(name + ".md"), md);
  }
}
