package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 100 MiB bodies stream through a proxy whose heap is capped at 64 MiB (and direct memory too): if the
 * proxy aggregated a body or read faster than it could write, it would run out of memory.
 */
class StreamingIT {
  private static final long SIZE = 100L << 20;
  private static TestOrigin origin;
  private static ChildProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    origin = TestOrigin.start("big");
    Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("streaming-proxy.log");
    proxy =
        ChildProxy.fromClasspath(
            List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-Dio.netty.leakDetection.level=disabled"),
            List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", origin.address()),
            log);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      assertThat(proxy.stop()).isEqualTo(0); // graceful SIGTERM exits 0 (issue 4)
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  void a100MiBUploadStreamsThroughAProxyWith64MiBOfHeap() throws Exception {
    try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + SIZE + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[256 * 1024];
      for (long sent = 0; sent < SIZE; sent += chunk.length) {
        out.write(chunk);
      }
      out.flush();
      RawClient.Response r = readResponse(s);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("big:" + SIZE);
    }
    assertThat(proxy.isAlive()).isTrue();
  }

  @Test
  void a100MiBDownloadStreamsThroughAProxyWith64MiBOfHeap() throws Exception {
    try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
      s.getOutputStream().write(("GET /download?bytes=" + SIZE + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("content-length: " + SIZE);
      byte[] buf = new byte[256 * 1024];
      long received = 0;
      while (received < SIZE) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, SIZE - received));
        assertThat(n).as("bytes after " + received).isPositive();
        received += n;
      }
      assertThat(received).isEqualTo(SIZE);
    }
    assertThat(proxy.isAlive()).isTrue();
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).isNotNegative();
      sb.append((char) b);
    }
    return sb.toString().toLowerCase(java.util.Locale.ROOT).replace("http/1.1 200 ok", "HTTP/1.1 200 OK");
  }

  private static RawClient.Response readResponse(Socket s) throws Exception {
    String head = readHead(s.getInputStream());
    int status = Integer.parseInt(head.substring(9, 12));
    int cl = Integer.parseInt(head.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
    byte[] body = s.getInputStream().readNBytes(cl);
    return new RawClient.Response(status, java.util.Map.of(), new String(body, StandardCharsets.UTF_8));
  }
}
