package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests with ambiguous or broken framing are answered by the proxy, closed, and never forwarded. */
class StrictParsingTest {
  private TestOrigin origin;
  private ProxyServer proxy;

  @BeforeEach
  void start() {
    origin = TestOrigin.start("o");
    proxy =
        ProxyServer.builder(
                ProxyConfig.builder()
                    .listen("127.0.0.1:0")
                    .addBackend(origin.address())
                    .maxBodySize(1024)
                    .headerTimeout(Duration.ofMillis(300))
                    .build())
            .eventLoopThreads(1)
            .start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    origin.close();
  }

  /** Sends {@code raw}, expects {@code status} and a closed connection, and checks the origin saw nothing. */
  private RawClient.Response rejected(String raw, int status) throws Exception {
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send(raw);
      RawClient.Response r = c.read();
      assertThat(r.status()).as(r.body()).isEqualTo(status);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(r.body()).startsWith(status + " ").endsWith("\n").doesNotContain("\n\n");
      assertThat(c.isClosedByPeer()).as("connection closed after the error").isTrue();
    }
    // A control request on a fresh connection proves the proxy works and lets the origin count settle.
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
    }
    assertThat(origin.requests.get()).as("requests that reached the origin").isEqualTo(1);
    assertThat(origin.seen.peek().uri()).isEqualTo("/");
    return null;
  }

  @Test
  void contentLengthWithTransferEncodingIsRejected() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400);
  }

  @Test
  void duplicateContentLengthIsRejectedEvenWhenTheValuesAgree() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400);
  }

  @Test
  void nonNumericContentLengthIsRejected() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3x\r\n\r\nabc", 400);
  }

  @Test
  void negativeContentLengthIsRejected() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\nabc", 400);
  }

  @Test
  void aSplitTransferEncodingIsRejectedNotForwarded() throws Exception {
    // Issue 9 defect 1: the old proxy kept only the first line ('gzip'), de-chunked the body and forwarded
    // it unframed, so the request inside the chunk reached the origin as a second request.
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n";
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n", 501);
  }

  @Test
  void anUnknownCodingBeforeChunkedIsNotImplemented() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: cow\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501);
  }

  @Test
  void aStreamOfEmptyLinesGets400InsteadOfFillingMemory() throws Exception {
    // Issue 9 defect 2: empty lines were neither consumed nor counted, so the buffer grew without limit.
    rejected("\r\n".repeat(1000), 400);
  }

  @Test
  void emptyLinesAloneStartTheHeaderTimer() throws Exception {
    // Issue 9 defect 2: the header timer only started at the first byte of a request line.
    rejected("\r\n", 408);
  }

  @Test
  void aPipelinedHeadThatWaitsOnTheProxyIsNotTimedOut() throws Exception {
    // The second head is incomplete for longer than the header timeout, but only because the proxy does not
    // read while it serves the first request: its period starts when the proxy is ready for it.
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET /slow?ms=1000 HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHo");
      assertThat(c.read().body()).isEqualTo("o");
      RawClient.Response second = c.send("st: x\r\n\r\n").read();
      assertThat(second.status()).isEqualTo(200);
    }
    assertThat(origin.seen).extracting(TestOrigin.Seen::uri).containsExactly("/slow?ms=1000", "/second");
  }

  @Test
  void aLowerCaseHttpVersionIsRejected() throws Exception {
    rejected("GET /x http/1.1\r\nHost: x\r\n\r\n", 400);
  }

  @Test
  void asteriskFormWithAMethodOtherThanOptionsIsRejected() throws Exception {
    rejected("GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  }

  @Test
  void authorityFormWithAMethodOtherThanConnectIsRejected() throws Exception {
    rejected("GET x:80 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"user@host", "a b", "a, b", "host/path", "host:abc"})
  void hostValuesThatRfc9112SaysMustGet400AreRejected(String host) throws Exception {
    rejected("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400);
  }

  @Test
  void anAbsoluteFormTargetIsForwardedInOriginFormWithItsAuthorityAsTheOneHost() throws Exception {
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET http://a.test:8080/p?q=1 HTTP/1.1\r\nHost: b.test\r\n\r\n").read().status()).isEqualTo(200);
    }
    TestOrigin.Seen seen = origin.seen.peek();
    assertThat(seen.uri()).isEqualTo("/p?q=1");
    assertThat(seen.headers().getAll("host")).containsExactly("a.test:8080");
    assertThat(seen.headers().getAll("x-forwarded-host")).containsExactly("a.test:8080");
  }

  @Test
  void optionsAsteriskIsForwarded() throws Exception {
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
    }
    assertThat(origin.seen.peek().uri()).isEqualTo("*");
  }

  @Test
  void anErrorIsReadableWhileTheClientIsStillSendingItsBody() throws Exception {
    // Issue 9 defect 14: the old proxy closed right after the 413, with the client's body unread, so the
    // kernel reset the connection and the client's writes failed before it could read the response.
    int size = 512 * 1024;
    try (Socket s = new Socket()) {
      s.setSendBufferSize(16 * 1024);
      s.connect(proxy.localAddress(), 2000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[8192];
      for (int sent = 0; sent < size; sent += chunk.length) {
        out.write(chunk); // would throw 'Connection reset' / 'Broken pipe' after an immediate close
      }
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // the response, then EOF
      assertThat(response).startsWith("HTTP/1.1 413 Request Entity Too Large\r\n").contains("\r\nconnection: close\r\n")
          .endsWith("413 Request Entity Too Large: the request body of 524288 bytes is larger than the limit of 1024 bytes\n");
    }
    assertThat(origin.requests.get()).isZero();
  }

  @Test
  void aLingeringCloseStopsDrainingAClientThatNeverStopsSending() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(proxy.localAddress(), 2000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /x HTTP/1.1\r\nHost: a b\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n");
      byte[] junk = new byte[64 * 1024];
      long sent = 0;
      try {
        while (sent < (64L << 20)) {
          out.write(junk);
          sent += junk.length;
        }
      } catch (java.io.IOException closed) {
        // the proxy closed the socket once it had drained its limit
      }
      assertThat(sent).as("bytes the client could send before the proxy closed").isLessThan(64L << 20);
    }
  }

  @Test
  void transferEncodingOtherThanFinalChunkedIsRejected() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400);
  }

  @Test
  void chunkedThatIsNotTheFinalCodingIsRejected() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400);
  }

  @Test
  void invalidChunkSizeIsRejected() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400);
  }

  @Test
  void obsFoldIsRejected() throws Exception {
    rejected("GET /x HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\n", 400);
  }

  @Test
  void spaceBeforeTheColonIsRejected() throws Exception {
    rejected("GET /x HTTP/1.1\r\nHost : x\r\n\r\n", 400);
  }

  @Test
  void bareLineFeedIsRejected() throws Exception {
    rejected("GET /x HTTP/1.1\nHost: x\n\n", 400);
  }

  @Test
  void bareCarriageReturnInAHeaderIsRejected() throws Exception {
    rejected("GET /x HTTP/1.1\r\nHost: x\r\nX-A: b\rc\r\n\r\n", 400);
  }

  @Test
  void nulInAHeaderIsRejected() throws Exception {
    rejected("GET /x HTTP/1.1\r\nHost: x\r\nX-A: b\0c\r\n\r\n", 400);
  }

  @Test
  void nulInTheRequestLineIsRejected() throws Exception {
    rejected("GET /x\0y HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  }

  @Test
  void bareCarriageReturnInTheRequestLineIsRejected() throws Exception {
    rejected("GET /x\ry HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  }

  @Test
  void missingHostIsRejected() throws Exception {
    rejected("GET /x HTTP/1.1\r\nX-A: b\r\n\r\n", 400);
  }

  @Test
  void requestLineLongerThan8KiBIsRejectedWith414() throws Exception {
    rejected("GET /" + "a".repeat(8200) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
  }

  @Test
  void headersLargerThan16KiBAreRejectedWith431() throws Exception {
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      h.append("X-H").append(i).append(": ").append("v".repeat(1000)).append("\r\n");
    }
    rejected("GET /x HTTP/1.1\r\nHost: x\r\n" + h + "\r\n", 431);
  }

  @Test
  void declaredBodyAboveTheLimitIsRejectedWith413() throws Exception {
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + "a".repeat(2000), 413);
  }

  @Test
  void chunkedBodyAboveTheLimitIsRejectedWith413() throws Exception {
    String chunk = Integer.toHexString(1500) + "\r\n" + "a".repeat(1500) + "\r\n";
    rejected("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + "0\r\n\r\n", 413);
  }

  @Test
  void headersSlowerThanTheHeaderTimeoutGet408() throws Exception {
    rejected("GET /x HTTP/1.1\r\nHost: x\r\n", 408);
  }
}
