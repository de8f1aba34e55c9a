package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The standalone proxy as a child JVM on the tests' classpath, its stdout and stderr collected line by line. */
final class ProxyProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern LISTENING = Pattern.compile("lb-proxy listening on 127\\.0\\.0\\.1:(\\d+) ");
  static final Pattern ADMIN = Pattern.compile("admin API, /metrics and status page on http://127\\.0\\.0\\.1:(\\d+)/");
  final List<String> output = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final Process process;
  private final Thread reader;
  int proxyPort = -1;
  int adminPort = -1;

  private ProxyProcess(List<String> prefix, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-Dloadstone.logging=defaults", "-cp", System.getProperty("java.class.path"), "dev.loadstone.proxy.Main"));
    cmd.addAll(args);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    }, "proxy-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the proxy and waits until it listens on both ports (the command line must use port 0 for both). */
  static ProxyProcess start(String... args) throws Exception {
    return startUnder(List.of(), args);
  }

  /** {@link #start} with a command in front of {@code java}, e.g. {@code prlimit --nofile=256:256}. */
  static ProxyProcess startUnder(List<String> prefix, String... args) throws Exception {
    ProxyProcess p = new ProxyProcess(prefix, List.of(args));
    await().atMost(Duration.ofSeconds(30)).until(() -> (p.port(ADMIN) > 0 && p.port(LISTENING) > 0) || !p.process.isAlive());
    assertThat(p.process.isAlive()).as(p.text()).isTrue();
    p.proxyPort = p.port(LISTENING);
    p.adminPort = p.port(ADMIN);
    return p;
  }

  /** Runs the proxy expecting it to exit (a start-up error); returns its exit code, the output in {@link #output}. */
  static ProxyProcess run(String... args) throws Exception {
    ProxyProcess p = new ProxyProcess(List.of(), List.of(args));
    assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
    p.reader.join(5000);
    return p;
  }

  int port(Pattern p) {
    for (String line : output) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return -1;
  }

  String text() {
    return String.join("\n", output);
  }

  boolean logged(String text) {
    return output.stream().anyMatch(l -> l.contains(text));
  }

  long count(String text) {
    return output.stream().filter(l -> l.contains(text)).count();
  }

  void signal(String name) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
  }

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (!method.equals("GET")) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode backends() throws Exception {
    return JSON.readTree(admin("GET", "/api/backends", null).body());
  }

  JsonNode backend(String id) throws Exception {
    for (JsonNode b : backends()) {
      if (b.get("id").asText().equals(id)) {
        return b;
      }
    }
    return null;
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** SIGTERM and the exit code (the reader has read everything). */
  int stop() throws Exception {
    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(5000);
    return process.exitValue();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
