package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.lb.Health;
import dev.loadstone.proxy.accesslog.AccessLog;
import dev.loadstone.proxy.accesslog.AccessLogFormat;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access log line of real exchanges through the proxy to loopback origins, exact: the access log's ticker
 * advances 1 ms per read (start, response head, end: 1.000 ms to the head, 2.000 ms in all) and its clock is
 * fixed, so every field of the line is known.
 */
class AccessLogTest {
  static final Instant T0 = Instant.parse("2026-12-01T14:30:00.123Z");
  private static final String TIME = "[01/Dec/2026:14:30:00.123 +0000]";
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private ProxyServer proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private TestOrigin origin(String id) {
    TestOrigin o = TestOrigin.start(id);
    closeables.add(o);
    return o;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void start(ProxyConfigBuilder b, String format) {
    AccessLog log = AccessLog.builder(batch -> batch.toString().lines().forEach(lines::add))
        .format(AccessLogFormat.parse(format))
        .time(() -> nanos.getAndAdd(1_000_000L), Clock.fixed(T0, ZoneOffset.UTC))
        .build();
    proxy = ProxyServer.builder(b.listen("127.0.0.1:0").build()).eventLoopThreads(1).accessLog(log).start();
  }

  private String nextLine() throws InterruptedException {
    String l = lines.poll(10, TimeUnit.SECONDS);
    assertThat(l).as("an access log line").isNotNull();
    return l;
  }

  /** The line with the generated request id (a UUID) replaced by {@code ID}. */
  private String nextLineWithId() throws InterruptedException {
    String l = nextLine();
    Matcher m = UUID.matcher(l);
    assertThat(m.find()).as(l).isTrue();
    return m.replaceFirst("ID");
  }

  @Test
  void aGetIsOneTextLineWithEveryField() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a"), "text");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET /x?q=1 HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("a");
      assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + c.localPort() + " " + TIME + " a 1.000/2.000 200 0/1 1 -- ID \"GET /x?q=1 HTTP/1.1\"");
    }
  }

  @Test
  void aPostCountsItsBodyBytesInAndTheResponseBytesOut() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a"), "text");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("POST /upload HTTP/1.0\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world").read().body()).isEqualTo("a:11");
      assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + c.localPort() + " " + TIME + " a 1.000/2.000 200 11/4 1 -- ID \"POST /upload HTTP/1.0\"");
    }
  }

  @Test
  void aRetriedRequestShowsTwoAttemptsTheRetryFlagAndTheBackendThatAnswered() throws Exception {
    int dead = freePort();
    TestOrigin b = origin("b");
    start(ProxyConfig.builder().addBackend("127.0.0.1:" + dead + ",id=dead").addBackend(b.address() + ",id=b"), "text");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("b");
      assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + c.localPort() + " " + TIME + " b 1.000/2.000 200 0/1 2 -R ID \"GET / HTTP/1.1\"");
    }
  }

  @Test
  void aProxyErrorIsLoggedWithItsStatusItsBodyAndNoBackendWhenNoneWasTried() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a"), "text");
    proxy.pool().setHealth("a", Health.DOWN);
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("GET /y HTTP/1.1\r\nHost: h\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(503);
      int body = r.body().length();
      assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + c.localPort() + " " + TIME + " - 1.000/2.000 503 0/" + body + " 0 -- ID \"GET /y HTTP/1.1\"");
    }
  }

  @Test
  void a502NamesTheLastBackendTriedAndTheAttempts() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    start(ProxyConfig.builder().addBackend("127.0.0.1:" + p1 + ",id=x").addBackend("127.0.0.1:" + p2 + ",id=y"), "text");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(502);
      assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + c.localPort() + " " + TIME + " y 1.000/2.000 502 0/" + r.body().length()
          + " 2 -R ID \"GET / HTTP/1.1\"");
    }
  }

  @Test
  void aRejectedRequestIsLoggedWithoutBackendOrRequestId() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a"), "text");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(nextLine()).isEqualTo("127.0.0.1:" + c.localPort() + " " + TIME + " - 1.000/2.000 400 0/" + r.body().length()
          + " 0 -- - \"GET - -\"");
    }
  }

  @Test
  void aBodyOverTheLimitIsLogged413WithItsRequestLine() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a").maxBodySize(4), "%{status} %{bytes_out} \"%{method} %{target} %{protocol}\"");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(nextLine()).isEqualTo("413 " + r.body().length() + " \"POST /upload HTTP/1.1\"");
    }
  }

  @Test
  void aRequestTheStickyCookieRoutedHasTheStickyFlag() throws Exception {
    TestOrigin a = origin("a");
    TestOrigin b = origin("b");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a").addBackend(b.address() + ",id=b").stickyCookie("LB")
        .addStickyKey("k1", new byte[32]), "text");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response first = c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read();
      String cookie = first.header("set-cookie").split(";")[0];
      assertThat(nextLineWithId()).endsWith(" a 1.000/2.000 200 0/1 1 -- ID \"GET / HTTP/1.1\"");
      assertThat(c.send("GET / HTTP/1.1\r\nHost: h\r\nCookie: " + cookie + "\r\n\r\n").read().body()).isEqualTo("a");
      assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + c.localPort() + " " + TIME + " a 1.000/2.000 200 0/1 1 S- ID \"GET / HTTP/1.1\"");
    }
  }

  @Test
  void aClientThatLeavesBeforeTheResponseIsLogged499WithNoResponseHead() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a"), "text");
    int port;
    try (RawClient c = new RawClient(proxy.localAddress())) {
      port = c.localPort();
      c.send("GET /slow?ms=3000 HTTP/1.1\r\nHost: h\r\n\r\n");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> a.requests.get() == 1);
    }
    assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + port + " " + TIME + " a -/1.000 499 0/0 1 -- ID \"GET /slow?ms=3000 HTTP/1.1\"");
  }

  @Test
  void aWebSocketTunnelIsLoggedWhenItCloses() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a"), "text");
    int port;
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", proxy.localAddress().getPort())) {
      s.setSoTimeout(10_000);
      port = s.getLocalPort();
      s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
      assertThat(lines).as("nothing while the tunnel is open").isEmpty();
    }
    assertThat(nextLineWithId()).isEqualTo("127.0.0.1:" + port + " " + TIME + " a 1.000/2.000 101 0/0 1 -- ID \"GET /ws HTTP/1.1\"");
  }

  @Test
  void jsonIsOneObjectPerLineWithNullForWhatIsAbsent() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a").trustedProxies(List.of("127.0.0.1/32")), "json");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("POST /upload HTTP/1.1\r\nHost: h\r\nX-Request-Id: req-1\r\nContent-Length: 3\r\n\r\nabc").read();
      assertThat(nextLine()).isEqualTo("{\"time_iso\":\"2026-12-01T14:30:00.123Z\",\"client_ip\":\"127.0.0.1\",\"client_port\":" + c.localPort()
          + ",\"method\":\"POST\",\"target\":\"/upload\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"backend\":\"a\",\"attempts\":1,"
          + "\"bytes_in\":3,\"bytes_out\":3,\"duration_ms\":2.000,\"ttfb_ms\":1.000,\"sticky\":false,\"retried\":false,"
          + "\"request_id\":\"req-1\"}");
      proxy.pool().setHealth("a", Health.DOWN);
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Request-Id: req-2\r\n\r\n").read();
      assertThat(nextLine()).isEqualTo("{\"time_iso\":\"2026-12-01T14:30:00.123Z\",\"client_ip\":\"127.0.0.1\",\"client_port\":" + c.localPort()
          + ",\"method\":\"GET\",\"target\":\"/\",\"protocol\":\"HTTP/1.1\",\"status\":503,\"backend\":null,\"attempts\":0,"
          + "\"bytes_in\":0,\"bytes_out\":" + r.body().length() + ",\"duration_ms\":2.000,\"ttfb_ms\":1.000,\"sticky\":false,"
          + "\"retried\":false,\"request_id\":\"req-2\"}");
    }
  }

  @Test
  void aTemplateShowsEveryPlaceholder() throws Exception {
    TestOrigin a = origin("a");
    start(ProxyConfig.builder().addBackend(a.address() + ",id=a").trustedProxies(List.of("127.0.0.1/32")),
        "%{client}|%{client_ip}|%{client_port}|%{time}|%{time_iso}|%{method}|%{target}|%{protocol}|%{status}|%{backend}"
            + "|%{attempts}|%{bytes_in}|%{bytes_out}|%{duration_ms}|%{ttfb_ms}|%{sticky}|%{retried}|%{flags}|%{request_id}|100%%");
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET /p HTTP/1.1\r\nHost: h\r\nX-Request-Id: abc\r\n\r\n").read();
      int port = c.localPort();
      assertThat(nextLine()).isEqualTo("127.0.0.1:" + port + "|127.0.0.1|" + port + "|01/Dec/2026:14:30:00.123 +0000|2026-12-01T14:30:00.123Z"
          + "|GET|/p|HTTP/1.1|200|a|1|0|1|2.000|1.000|false|false|--|abc|100%");
    }
  }
}
