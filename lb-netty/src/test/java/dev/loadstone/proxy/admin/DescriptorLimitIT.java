package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The standalone proxy at a real file descriptor limit ({@code prlimit --nofile=256:256}): clients connect
 * until accepting fails with EMFILE. The proxy logs one WARN line (no stack trace, not one per attempt), counts
 * the failures in {@code loadstone_proxy_accept_errors_total}, and a keep-alive connection it already had
 * keeps getting answers.
 */
class DescriptorLimitIT {
  private static final String LINE = "cannot accept a connection: ";
  private final List<Socket> flood = new ArrayList<>();
  private ProxyProcess proxy;
  private Origin origin;

  @AfterEach
  void stop() throws Exception {
    for (Socket s : flood) {
      s.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  private static String get(Socket s, BufferedReader in) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write("GET /keep HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String status = in.readLine();
    int length = 0;
    for (String l = in.readLine(); !l.isEmpty(); l = in.readLine()) {
      if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(15).trim());
      }
    }
    char[] body = new char[length];
    for (int n = 0; n < length; ) {
      n += in.read(body, n, length - n);
    }
    return status + " " + new String(body);
  }

  @Test
  void atTheDescriptorLimitAcceptErrorsAreOneLineAndOpenConnectionsAreStillServed() throws Exception {
    origin = new Origin("o1");
    proxy = ProxyProcess.startUnder(List.of("prlimit", "--nofile=256:256"), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
        "--backend", origin.address() + ",id=o1", "--health-type", "none", "--access-log", "off",
        // The automatic max-connections ((256 - 64) / 2 = 96) would stop accepting before the descriptors run out;
        // set above them, the proxy meets the descriptor limit itself.
        "--max-connections", "10000");
    InetSocketAddress addr = new InetSocketAddress("127.0.0.1", proxy.proxyPort);
    try (Socket keep = new Socket()) {
      keep.connect(addr, 2000);
      keep.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(keep.getInputStream(), StandardCharsets.ISO_8859_1));
      assertThat(get(keep, in)).isEqualTo("HTTP/1.1 200 OK o1");

      long firstLine = 0;
      for (int i = 0; i < 600 && firstLine == 0; i++) { // 256 descriptors: the proxy runs out long before 600
        Socket s = new Socket();
        s.connect(addr, 2000); // the kernel completes the handshake (backlog) whether or not the proxy accepts
        flood.add(s);
        if (i % 10 == 9) {
          long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
          while (firstLine == 0 && System.nanoTime() < until) { // polls the output; no fixed sleep
            if (proxy.logged(LINE)) {
              firstLine = System.nanoTime();
            }
            Thread.onSpinWait();
          }
        }
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.logged(LINE));
      if (firstLine == 0) {
        firstLine = System.nanoTime();
      }
      assertThat(proxy.process.isAlive()).isTrue();
      // The connection the proxy had is served (its backend connection is pooled: no new descriptor needed).
      assertThat(get(keep, in)).isEqualTo("HTTP/1.1 200 OK o1");
      assertThat(get(keep, in)).isEqualTo("HTTP/1.1 200 OK o1");

      long seconds = Duration.ofNanos(System.nanoTime() - firstLine).toSeconds();
      assertThat(proxy.count(LINE)).as(proxy.text()).isBetween(1L, 1 + seconds / 10);
      String line = proxy.output.stream().filter(l -> l.contains(LINE)).findFirst().orElseThrow();
      assertThat(line).contains("WARN", "Too many open files", "open connections are still served", "ulimit -n");
      assertThat(proxy.output).as("no stack trace").noneMatch(l -> l.startsWith("\tat ") || l.contains("exceptionCaught"));
    }
    for (Socket s : flood) {
      s.close();
    }
    flood.clear();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      String metrics = proxy.admin("GET", "/metrics", null).body();
      assertThat(metrics).containsPattern("(?m)^loadstone_proxy_accept_errors_total [1-9][0-9]*\\.0$");
    });
  }
}
