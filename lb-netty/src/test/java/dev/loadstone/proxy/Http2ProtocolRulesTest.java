package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Headers;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9113 8.2 and 8.1.1 on the client side: what a request stream may not carry is a stream error, never forwarded. */
class Http2ProtocolRulesTest {
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"connection, keep-alive", "keep-alive, timeout=5", "proxy-connection, keep-alive",
      "transfer-encoding, chunked", "upgrade, websocket", "te, gzip"})
  void aConnectionSpecificHeaderIsAStreamProtocolErrorAndNothingIsForwarded(String name, String value) throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawH2 c = new RawH2(fx.address())) {
      Http2Headers h = RawH2.get("/");
      h.add(name, value);
      c.headers(1, h, true);
      RawH2.Frame rst = c.await(RawH2.RST_STREAM, 1, Duration.ofSeconds(5));
      assertThat(rst).isNotNull();
      assertThat(rst.errorCode()).isEqualTo(RawH2.PROTOCOL_ERROR);
      c.headers(3, RawH2.get("/"), true); // the connection goes on
      assertThat(c.await(RawH2.HEADERS, 3, Duration.ofSeconds(5))).isNotNull();
      assertThat(fx.origins.get(0).requests.get()).isEqualTo(1);
    }
  }

  @Test
  void teTrailersIsAllowed() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawH2 c = new RawH2(fx.address())) {
      Http2Headers h = RawH2.get("/");
      h.add("te", "trailers");
      c.headers(1, h, true);
      assertThat(c.await(RawH2.HEADERS, 1, Duration.ofSeconds(5))).isNotNull();
    }
  }

  @Test
  void aContentLengthTheDataDoesNotMatchIsAStreamProtocolErrorAndItsAttemptIsDropped() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawH2 c = new RawH2(fx.address())) {
      Http2Headers h = RawH2.get("/upload").method("POST");
      h.add("content-length", "10");
      c.headers(1, h, false);
      c.frame(RawH2.DATA, RawH2.END_STREAM, 1, new byte[5]);
      RawH2.Frame rst = c.await(RawH2.RST_STREAM, 1, Duration.ofSeconds(5));
      assertThat(rst).isNotNull();
      assertThat(rst.errorCode()).isEqualTo(RawH2.PROTOCOL_ERROR);
      fx.awaitNoLeases();
      assertThat(fx.origins.get(0).requests.get()).isLessThanOrEqualTo(1); // the head may have gone, never an answer
    }
  }

  @Test
  void aRequestWithoutMethodIsAStreamProtocolError() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawH2 c = new RawH2(fx.address())) {
      Http2Headers h = new io.netty.handler.codec.http2.DefaultHttp2Headers(false).scheme("http").path("/").authority("x");
      c.headers(1, h, true);
      RawH2.Frame f = c.await(RawH2.RST_STREAM, 1, Duration.ofSeconds(5));
      assertThat(f).isNotNull();
      assertThat(f.errorCode()).isEqualTo(RawH2.PROTOCOL_ERROR);
      assertThat(fx.origins.get(0).requests.get()).isZero();
    }
  }

  @Test
  void theResponseCarriesNoHopByHopHeaders() throws Exception {
    // /chunked answers with transfer-encoding: chunked; the h2 client's own decoder would refuse it as a
    // connection-specific header, so a response that arrives whole proves it was not relayed.
    try (Http2Fixture fx = new Http2Fixture(1); H2Client c = fx.client()) {
      H2Client.Response r = c.get("/chunked").get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.body()).isEqualTo("a-a-b");
      assertThat(r.headers().names()).doesNotContain("transfer-encoding", "connection", "keep-alive");
      H2Client.Response closing = c.get("/close").get(10, java.util.concurrent.TimeUnit.SECONDS); // backend's Connection: close
      assertThat(closing.headers().contains("connection")).isFalse();
      assertThat(ByteBuffer.wrap(closing.body().getBytes()).remaining()).isEqualTo(1);
    }
  }
}
