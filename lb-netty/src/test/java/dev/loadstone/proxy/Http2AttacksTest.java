package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The published HTTP/2 attacks, each written frame by frame: each ends the connection and costs no lease. */
class Http2AttacksTest {
  @Test
  void rapidResetGetsGoAwayEnhanceYourCalmAndTheResetStreamsLetTheirLeasesGo() throws Exception {
    // CVE-2023-44487: open a stream, reset it at once, repeat; each reset stream's backend exchange had started.
    try (Http2Fixture fx = new Http2Fixture(1, s -> s.maxResetsPerSecond(20), cfg -> {});
        RawH2 c = new RawH2(fx.address())) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int id = 1; id < 2 * 200; id += 2) {
        burst.write(RawH2.frameBytes(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, id, c.block(RawH2.get("/slow?ms=5000"))));
        burst.write(RawH2.frameBytes(RawH2.RST_STREAM, 0, id, new byte[] {0, 0, 0, 8}));
      }
      sendIgnoringClose(c, burst.toByteArray());
      RawH2.Frame goAway = c.await(RawH2.GOAWAY, 0, Duration.ofSeconds(5));
      assertThat(goAway.errorCode()).isEqualTo(RawH2.ENHANCE_YOUR_CALM);
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
      fx.awaitNoLeases();
      // The reset streams' backend exchanges were cancelled: their connections closed, none left half done.
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fx.origins.get(0).openConnections() == 0);
    }
  }

  @Test
  void aContinuationFloodIsCutOffAtTheHeaderListSize() throws Exception {
    // CVE-2024-27316 family: HEADERS without END_HEADERS, then CONTINUATION frames that never end.
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> cfg.maxHeaderSize(8192));
        RawH2 c = new RawH2(fx.address())) {
      ByteArrayOutputStream flood = new ByteArrayOutputStream();
      flood.write(RawH2.frameBytes(RawH2.HEADERS, 0, 1, c.block(RawH2.get("/"))));
      byte[] junk = new byte[1000];
      Arrays.fill(junk, (byte) 0x40); // whatever: it is never decoded, it is only counted
      for (int i = 0; i < 10_000; i++) { // 10 MB of header block
        flood.write(RawH2.frameBytes(RawH2.CONTINUATION, 0, 1, junk));
      }
      sendIgnoringClose(c, flood.toByteArray());
      RawH2.Frame goAway = c.await(RawH2.GOAWAY, 0, Duration.ofSeconds(5));
      assertThat(goAway).as("GOAWAY").isNotNull();
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
      assertThat(fx.origins.get(0).requests.get()).isZero();
    }
  }

  @Test
  void aPingFloodFromAClientThatDoesNotReadIsClosed() throws Exception {
    flood(RawH2.PING, new byte[8]);
  }

  @Test
  void aSettingsFloodFromAClientThatDoesNotReadIsClosed() throws Exception {
    flood(RawH2.SETTINGS, new byte[0]);
  }

  /**
   * Frames that each make the proxy queue an ack, from a client that reads nothing. A download the client grants
   * all the window it can first fills the socket buffers between them (the acks queue only once those are
   * full), so the flood needs few frames (20,000 for a limit of 1,000); the header timeout is far beyond the
   * test's bound.
   */
  private static void flood(int type, byte[] payload) throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1, s -> s.maxQueuedControlFrames(1000), cfg -> cfg.headerTimeout(Duration.ofSeconds(50)));
        RawH2 c = new RawH2(fx.address())) {
      c.frame(RawH2.SETTINGS, 0, 0, new byte[] {0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // INITIAL_WINDOW_SIZE max
      c.frame(0x8, 0, 0, java.nio.ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE - 65_535).array()); // WINDOW_UPDATE
      c.headers(1, RawH2.get("/download?bytes=" + (1L << 30)), true);
      // The download stalls once every buffer on its way is full: two looks 200 ms apart see the same count.
      java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
      TestOrigin origin = fx.origins.get(0);
      Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .until(() -> origin.downloaded.get() > 0 && origin.downloaded.get() == seen.getAndSet(origin.downloaded.get()));
      long t0 = System.nanoTime();
      byte[] one = RawH2.frameBytes(type, 0, 0, payload);
      byte[] batch = new byte[one.length * 1000];
      for (int i = 0; i < 1000; i++) {
        System.arraycopy(one, 0, batch, i * one.length, one.length);
      }
      for (int i = 0; i < 20 && sendIgnoringClose(c, batch); i++) { // 20,000 frames at most
        // the kernel's buffers take them; the proxy reads them as fast as it can
      }
      // Closed by the proxy (the client never reads: reading would let the download drain the buffers).
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fx.proxy.clientConnections() == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void anHpackBombIsRefusedBeforeItReachesABackend() throws Exception {
    // One 4000-byte header put in the dynamic table, then referenced 200 times with one byte each: a 4 kB
    // block that decodes to 800 kB of headers.
    try (Http2Fixture fx = new Http2Fixture(1, s -> {}, cfg -> cfg.maxHeaderSize(16384));
        RawH2 c = new RawH2(fx.address())) {
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      block.write(new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0x84}); // :method GET, :scheme http, :path /
      block.write(new byte[] {0x40, 0x01, 'x', 0x7f, (byte) 0xa1, 0x1e}); // literal, indexed: name "x", value of 4000 bytes
      byte[] value = new byte[4000];
      Arrays.fill(value, (byte) 'a');
      block.write(value);
      for (int i = 0; i < 200; i++) {
        block.write(0x80 | 62); // the dynamic table's first entry
      }
      c.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, block.toByteArray());
      RawH2.Frame f = c.read(Duration.ofSeconds(5));
      while (f != null && f.type() != RawH2.RST_STREAM && f.type() != RawH2.GOAWAY) {
        f = c.read(Duration.ofSeconds(5));
      }
      assertThat(f).as("RST_STREAM or GOAWAY").isNotNull();
      assertThat(fx.origins.get(0).requests.get()).isZero();
    }
  }

  @Test
  void aFloodOfEmptyDataFramesGetsGoAwayEnhanceYourCalm() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(1); RawH2 c = new RawH2(fx.address())) {
      c.headers(1, RawH2.get("/upload").method("POST"), false);
      ByteArrayOutputStream flood = new ByteArrayOutputStream();
      for (int i = 0; i < 100; i++) {
        flood.write(RawH2.frameBytes(RawH2.DATA, 0, 1, new byte[0]));
      }
      sendIgnoringClose(c, flood.toByteArray());
      RawH2.Frame goAway = c.await(RawH2.GOAWAY, 0, Duration.ofSeconds(5));
      assertThat(goAway.errorCode()).isEqualTo(RawH2.ENHANCE_YOUR_CALM);
      assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
      fx.awaitNoLeases();
    }
  }

  /** Whether all of {@code bytes} went out (false: the server closed the connection meanwhile). */
  private static boolean sendIgnoringClose(RawH2 c, byte[] bytes) {
    try {
      c.write(bytes);
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  private static byte[] preface() {
    io.netty.buffer.ByteBuf p = io.netty.handler.codec.http2.Http2CodecUtil.connectionPrefaceBuf();
    byte[] a = new byte[p.readableBytes()];
    p.getBytes(p.readerIndex(), a);
    return a;
  }
}
