package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Per-stream flow control, the stream limit, and the connection's timeouts and drain. */
class Http2LimitsTest {
  @Test
  void aStreamWhoseClientGrantsNoWindowStallsOnlyItsOwnBackendWhileAnotherStreamDownloads() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1);
        H2Client c = new H2Client(fx.address(), Http2Settings.defaultSettings().initialWindowSize(16 * 1024))) {
      c.growConnectionWindow(1 << 30); // only the stalled stream's own window closes
      AtomicLong stalledBytes = new AtomicLong();
      Http2StreamChannel stalled = c.openCounting(false, stalledBytes); // never reads: no WINDOW_UPDATE
      stalled.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2HeadersFrame(
          RawH2.get("/download?bytes=" + (256L << 20)), true)).syncUninterruptibly();
      TestOrigin origin = fx.origins.get(0);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> origin.inFlight.get() == 1);

      H2Client.Response big = c.get("/download?bytes=" + (8 << 20)).get(20, TimeUnit.SECONDS);
      assertThat(big.body().length()).isEqualTo(8 << 20);
      // The stalled stream's backend is not read: its 256 MiB never all leave the origin (it stays in flight).
      Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> origin.inFlight.get() == 1);
      assertThat(stalledBytes.get()).isZero();
      stalled.close().syncUninterruptibly(); // RST_STREAM CANCEL
      fx.awaitNoLeases();
    }
  }

  @Test
  void aStreamBeyondMaxConcurrentStreamsIsRefusedAndTheOthersComplete() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> s.maxConcurrentStreams(2), cfg -> {});
        RawH2 c = new RawH2(fx.address())) {
      c.headers(1, RawH2.get("/slow?ms=300"), true);
      c.headers(3, RawH2.get("/slow?ms=300"), true);
      c.headers(5, RawH2.get("/"), true);
      RawH2.Frame rst = c.await(RawH2.RST_STREAM, 5, Duration.ofSeconds(5));
      assertThat(rst.errorCode()).isEqualTo(RawH2.REFUSED_STREAM);
      assertThat(c.await(RawH2.HEADERS, 1, Duration.ofSeconds(5))).isNotNull();
      assertThat(c.await(RawH2.HEADERS, 3, Duration.ofSeconds(5))).isNotNull();
      assertThat(fx.origins.get(0).requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aConnectionThatSendsNoHeadersAfterItsPrefaceIsClosedAtTheHeaderTimeout() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> cfg.headerTimeout(Duration.ofMillis(300)));
        RawH2 c = new RawH2(fx.address())) {
      RawH2.Frame goAway = c.await(RawH2.GOAWAY, 0, Duration.ofSeconds(5));
      assertThat(goAway.errorCode()).isZero();
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aPrefaceBegunAndNeverFinishedIsClosedAtTheHeaderTimeout() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> cfg.headerTimeout(Duration.ofMillis(300)));
        RawH2 c = new RawH2(new java.net.Socket(fx.address().getAddress(), fx.address().getPort()))) {
      c.write("PRI * HTTP/2.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aHeaderBlockThatNeverEndsIsClosedAtTheHeaderTimeout() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> cfg.headerTimeout(Duration.ofMillis(300)));
        RawH2 c = new RawH2(fx.address())) {
      c.frame(RawH2.HEADERS, 0, 1, c.block(RawH2.get("/"))); // no END_HEADERS, and no CONTINUATION ever
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
      assertThat(fx.origins.get(0).requests.get()).isZero();
    }
  }

  @Test
  void anIdleConnectionGetsGoAwayThenIsClosed() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> {},
        cfg -> cfg.idleTimeout(Duration.ofMillis(600)).headerTimeout(Duration.ofMillis(300)));
        RawH2 c = new RawH2(fx.address())) {
      c.headers(1, RawH2.get("/"), true);
      assertThat(c.await(RawH2.HEADERS, 1, Duration.ofSeconds(5))).isNotNull();
      RawH2.Frame goAway = c.await(RawH2.GOAWAY, 0, Duration.ofSeconds(5));
      assertThat(goAway.errorCode()).isZero();
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void theIdleTimeoutDoesNotRunWhileAStreamWaitsForItsBackend() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> {},
        cfg -> cfg.idleTimeout(Duration.ofMillis(400)).headerTimeout(Duration.ofMillis(200)));
        H2Client c = fx.client()) {
      H2Client.Response r = c.get("/slow?ms=1200").get(10, TimeUnit.SECONDS); // three idle periods of waiting
      assertThat(r.status()).isEqualTo(200);
      assertThat(c.goAway.get(5, TimeUnit.SECONDS)).as("GOAWAY NO_ERROR once idle").isZero();
    }
  }

  @Test
  void aDrainSendsGoAwayLetsTheOpenStreamFinishAndRefusesANewOne() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawH2 c = new RawH2(fx.address())) {
      c.headers(1, RawH2.get("/slow?ms=700"), true);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fx.origins.get(0).inFlight.get() == 1);
      CompletableFuture<Void> stopped = fx.proxy.shutdownGracefully(Duration.ofSeconds(10));
      RawH2.Frame goAway = c.await(RawH2.GOAWAY, 0, Duration.ofSeconds(5));
      assertThat(goAway.errorCode()).isZero();
      assertThat(java.nio.ByteBuffer.wrap(goAway.payload()).getInt(0)).as("last stream id").isEqualTo(1);
      c.headers(3, RawH2.get("/"), true);
      RawH2.Frame refused = c.await(RawH2.RST_STREAM, 3, Duration.ofSeconds(5));
      assertThat(refused.errorCode()).isEqualTo(RawH2.REFUSED_STREAM);
      RawH2.Frame response = c.await(RawH2.HEADERS, 1, Duration.ofSeconds(5));
      assertThat(response).isNotNull();
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue(); // after its last stream
      stopped.get(10, TimeUnit.SECONDS);
      assertThat(fx.origins.get(0).requests.get()).isEqualTo(1);
    }
  }

  @Test
  void anHttp11ClientIsServedAsBeforeWhenH2cIsOn() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawClient c = new RawClient(fx.address())) {
      c.send("GET /echo?h1 HTTP/1.1\r\nHost: x\r\n\r\n");
      RawClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("/echo?h1");
    }
  }

  @Test
  void theConnectionWindowIsTheSumOfTheStreamWindowsSoOneWaitingUploadCannotStallTheOthers() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> s.maxConcurrentStreams(10).initialWindowSize(100_000), cfg -> {});
        RawH2 c = new RawH2(fx.address())) {
      long window = 65_535; // RFC 9113 6.9.2, grown by every WINDOW_UPDATE on stream 0 before the SETTINGS ack
      for (RawH2.Frame f = c.read(Duration.ofSeconds(5)); !(f.type() == RawH2.SETTINGS && f.flags() == 1); f = c.read(Duration.ofSeconds(5))) {
        if (f.type() == 0x8 && f.stream() == 0) {
          window += java.nio.ByteBuffer.wrap(f.payload()).getInt();
        }
      }
      assertThat(window).isGreaterThanOrEqualTo(10 * 100_000);
    }
  }

  @Test
  void anUploadWhoseBackendStopsReadingStallsOnlyItsOwnStream() throws Exception {
    // The first backend accepts connections in the kernel but never reads: the upload to it fills the buffers
    // and then its stream's window stays closed. The second stream's upload goes to a real origin.
    try (java.net.ServerSocket stuck = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        TestOrigin origin = TestOrigin.start("b")) {
      ProxyConfigBuilder b = ProxyConfig.builder().listen("127.0.0.1:0").responseTimeout(Duration.ofSeconds(30))
          .addBackend("127.0.0.1:" + stuck.getLocalPort() + ",id=stuck").addBackend(origin.address() + ",id=b")
          .http2(dev.loadstone.proxy.h2.Http2Settings.builder().cleartext(true).build());
      ProxyServer proxy = ProxyServer.builder(b.build()).eventLoopThreads(1).start();
      try (H2Client c = new H2Client(proxy.localAddress())) {
        io.netty.handler.codec.http.HttpRequest head = new io.netty.handler.codec.http.DefaultHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.POST, "/upload");
        head.headers().set("host", "proxy.test").set("content-length", Long.toString(64L << 20));
        Object[] parts = new Object[1 + 64];
        parts[0] = head;
        for (int i = 1; i <= 64; i++) {
          parts[i] = new io.netty.handler.codec.http.DefaultHttpContent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[1 << 20]));
        }
        CompletableFuture<H2Client.Response> stalled = c.send(parts);
        java.net.Socket accepted = stuck.accept(); // and never read: what it received waits in the kernel
        java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
            .until(() -> accepted.getInputStream().available() > 0 && accepted.getInputStream().available() == seen.getAndSet(accepted.getInputStream().available()));
        H2Client.Response other = c.send(H2Client.request(io.netty.handler.codec.http.HttpMethod.POST, "/upload",
            "y".repeat(1 << 20))).get(20, TimeUnit.SECONDS);
        assertThat(other.body()).isEqualTo("b:" + (1 << 20));
        assertThat(stalled.isDone()).isFalse();
        accepted.close();
      } finally {
        proxy.close();
      }
    }
  }
}
