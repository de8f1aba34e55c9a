package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.proxy.accesslog.AccessLog;
import dev.loadstone.proxy.accesslog.AccessLogFormat;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** HTTP/2 clients (h2c, prior knowledge) are proxied to HTTP/1.1 backends as HTTP/1.1 clients are: one exchange per stream. */
class Http2ForwardingTest {
  private static H2Client.Response await(CompletableFuture<H2Client.Response> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anH2cStreamIsForwardedAsHttp11WithHostForwardingHeadersAndARequestIdButNoHttp2Internals() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); H2Client c = fx.client()) {
      H2Client.Response r = await(c.get("/headers?q=1"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers().get("x-origin")).isEqualTo("a");
      assertThat(r.headers().contains("connection")).isFalse();
      assertThat(r.headers().contains("transfer-encoding")).isFalse();
      TestOrigin.Seen seen = fx.origins.get(0).seen.poll();
      assertThat(seen.method()).isEqualTo(HttpMethod.GET);
      assertThat(seen.uri()).isEqualTo("/headers?q=1");
      assertThat(seen.headers().get("host")).isEqualTo("proxy.test");
      assertThat(seen.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
      assertThat(seen.headers().get("x-forwarded-proto")).isEqualTo("http");
      assertThat(seen.headers().get("x-request-id")).hasSize(36); // a generated request id, as for HTTP/1.1
      assertThat(seen.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2"));
    }
  }

  /** curl's output for {@code args} and a URL on the proxy; fails naming what to install when curl lacks HTTP/2. */
  private static String curl(Http2Fixture fx, String path, String... args) throws Exception {
    Process version = new ProcessBuilder("curl", "-V").redirectErrorStream(true).start();
    String features = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(features).as("curl with HTTP2 (nghttp2) is needed on this machine: apt-get install curl").contains("HTTP2");
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--http2-prior-knowledge"));
    cmd.addAll(List.of(args));
    cmd.add("http://127.0.0.1:" + fx.address().getPort() + path);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void curlWithHttp2PriorKnowledgeGetsTheBackendsAnswerOverHttp2() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1)) {
      assertThat(curl(fx, "/echo?x=1", "-i")).startsWith("HTTP/2 200").contains("x-origin: a").endsWith("/echo?x=1");
      assertThat(curl(fx, "/", "-I")).startsWith("HTTP/2 200").contains("content-length: 1"); // HEAD: no body
      assertThat(curl(fx, "/upload", "-d", "abc", "-H", "Expect: 100-continue")).isEqualTo("a:3");
    }
  }

  @Test
  void ninetyConcurrentStreamsOnOneConnectionAreBalancedRoundRobinOverThreeBackends() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(3); H2Client c = fx.client()) {
      List<CompletableFuture<H2Client.Response>> all = new ArrayList<>();
      for (int i = 0; i < 90; i++) {
        all.add(c.get("/echo?n=" + i));
      }
      for (int i = 0; i < 90; i++) {
        assertThat(await(all.get(i)).body()).isEqualTo("/echo?n=" + i);
      }
      assertThat(fx.origins).allSatisfy(o -> assertThat(o.requests.get()).isEqualTo(30));
      assertThat(fx.proxy.clientConnections()).isEqualTo(1);
    }
  }

  @Test
  void postBodiesWithAndWithoutContentLengthReachTheBackendWhole() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); H2Client c = fx.client()) {
      String big = "x".repeat(200_000);
      assertThat(await(c.send(H2Client.request(HttpMethod.POST, "/upload", big))).body()).isEqualTo("a:200000");
      assertThat(fx.origins.get(0).seen.poll().headers().get("content-length")).isEqualTo("200000");

      HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
      head.headers().set("host", "proxy.test");
      H2Client.Response r = await(c.send(head, new DefaultHttpContent(Unpooled.copiedBuffer(big, StandardCharsets.UTF_8)),
          new DefaultHttpContent(Unpooled.copiedBuffer("yz", StandardCharsets.UTF_8)),
          new DefaultLastHttpContent(Unpooled.copiedBuffer("!", StandardCharsets.UTF_8))));
      assertThat(r.body()).isEqualTo("a:200003");
      TestOrigin.Seen seen = fx.origins.get(0).seen.poll();
      assertThat(seen.headers().get("transfer-encoding")).isEqualTo("chunked");
      assertThat(seen.headers().contains("content-length")).isFalse();
    }
  }

  @Test
  void theStickyCookieKeepsAnHttp2ClientOnItsBackend() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(3, s -> {}, cfg -> cfg.stickyCookie("lb")); H2Client c = fx.client()) {
      H2Client.Response first = await(c.get("/"));
      String cookie = first.headers().get("set-cookie");
      assertThat(cookie).startsWith("lb=");
      for (int i = 0; i < 6; i++) {
        var req = H2Client.request(HttpMethod.GET, "/", null);
        req.headers().set("cookie", cookie.substring(0, cookie.indexOf(';')));
        assertThat(await(c.send(req)).body()).isEqualTo(first.body());
      }
    }
  }

  @Test
  void aStreamToADeadBackendIsRetriedOnAnother() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(2); H2Client c = fx.client()) {
      fx.origins.get(0).close();
      for (int i = 0; i < 4; i++) {
        H2Client.Response r = await(c.get("/"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b");
      }
    }
  }

  @Test
  void aResponseTimeoutIs504OnThatStreamOnly() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> cfg.responseTimeout(Duration.ofMillis(300)).retries(0));
        H2Client c = fx.client()) {
      CompletableFuture<H2Client.Response> slow = c.get("/slow?ms=3000");
      CompletableFuture<H2Client.Response> fast = c.get("/echo?fast");
      assertThat(await(fast).body()).isEqualTo("/echo?fast");
      assertThat(slow.isDone()).isFalse();
      assertThat(await(slow).status()).isEqualTo(504);
      assertThat(await(c.get("/echo?after")).status()).isEqualTo(200); // the connection goes on
    }
  }

  @Test
  void theAccessLogSaysHttp2AndTheRequest() throws Exception {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    AccessLog log = AccessLog.builder(batch -> batch.toString().lines().forEach(lines::add))
        .format(AccessLogFormat.parse("%{method} %{target} %{protocol} %{status} %{backend}")).build();
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> {}, server -> server.accessLog(log)); H2Client c = fx.client()) {
      assertThat(await(c.get("/echo?log")).status()).isEqualTo(200);
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("GET /echo?log HTTP/2.0 200 a");
    }
  }

  @Test
  void aBodyOverTheLimitIs413OnThatStreamAndTheConnectionGoesOn() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> cfg.maxBodySize(100)); H2Client c = fx.client()) {
      H2Client.Response r = await(c.send(H2Client.request(HttpMethod.POST, "/upload", "x".repeat(101))));
      assertThat(r.status()).isEqualTo(413);
      HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
      head.headers().set("host", "proxy.test");
      H2Client.Response chunked = await(c.send(head, new DefaultHttpContent(Unpooled.copiedBuffer("y".repeat(60), StandardCharsets.UTF_8)),
          new DefaultLastHttpContent(Unpooled.copiedBuffer("z".repeat(60), StandardCharsets.UTF_8))));
      assertThat(chunked.status()).isEqualTo(413);
      assertThat(await(c.get("/")).status()).isEqualTo(200);
    }
  }

  @Test
  void aClientThatGoesAwayMidStreamLetsItsBackendLeaseGo() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); H2Client c = fx.client()) {
      CompletableFuture<H2Client.Response> slow = c.get("/slow?ms=5000");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fx.origins.get(0).inFlight.get() == 1);
      assertThat(fx.proxy.pool().snapshot().all().get(0).inFlight()).isEqualTo(1);
      c.parent.close().syncUninterruptibly();
      assertThatThrownBy(() -> slow.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      fx.awaitNoLeases();
    }
  }

  @Test
  void aStreamResetByTheClientLetsItsLeaseGoAndTheConnectionGoesOn() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawH2 c = new RawH2(fx.address())) {
      c.headers(1, RawH2.get("/slow?ms=5000"), true);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fx.origins.get(0).inFlight.get() == 1);
      c.rst(1, 0x8); // CANCEL
      fx.awaitNoLeases();
      c.headers(3, RawH2.get("/"), true);
      RawH2.Frame h = c.await(RawH2.HEADERS, 3, Duration.ofSeconds(5));
      assertThat(h).isNotNull();
    }
  }

  @Test
  void anHttp2ConnectionIsCountedOnceAndEachStreamAsAnExchange() throws Exception {
    java.util.concurrent.atomic.AtomicInteger h2 = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
    ExchangeListener l = new ExchangeListener() {
      @Override
      public void http2ConnectionOpened() {
        h2.incrementAndGet();
      }

      @Override
      public void exchangeCompleted(dev.loadstone.lb.Backend b, int status, long nanos, long in, long out) {
        completed.incrementAndGet();
      }
    };
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> {}, server -> server.listener(l)); H2Client c = fx.client()) {
      for (int i = 0; i < 3; i++) {
        assertThat(await(c.get("/")).status()).isEqualTo(200);
      }
      try (RawClient h1 = new RawClient(fx.address())) {
        h1.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(h1.read().status()).isEqualTo(200);
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> completed.get() == 4);
      assertThat(h2.get()).isEqualTo(1);
    }
  }
}
