package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerCodecTest {
  private final List<Object> events = new ArrayList<>();

  private EmbeddedChannel channel() {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new ServerCodec(8192, 16384, 0, Duration.ofSeconds(10)),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
              }
            });
    ch.freezeTime();
    return ch;
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void obsFoldTurnsIntoARejectedHeadAndTheRestIsDiscarded() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n"));
    RequestHead r = ch.readInbound();
    assertThat(r.rejection.status()).isEqualTo(400);
    assertThat(r.rejection.reason()).contains("obs-fold");
    assertThat((Object) ch.readInbound()).isNull();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aBodylessRequestIsOneHeadWithNoContents() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
    RequestHead a = ch.readInbound();
    RequestHead b = ch.readInbound();
    assertThat(a.request.uri()).isEqualTo("/a");
    assertThat(a.framing).isEqualTo(Framing.NONE);
    assertThat(b.request.uri()).isEqualTo("/b");
    assertThat((Object) ch.readInbound()).isNull();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aLengthBodyArrivingInPiecesEndsWithItsLastByte() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe"));
    ch.writeInbound(ascii("llo"));
    RequestHead h = ch.readInbound();
    assertThat(h.framing).isEqualTo(Framing.length(5));
    HttpContent first = ch.readInbound();
    HttpContent last = ch.readInbound();
    assertThat(first).isNotInstanceOf(LastHttpContent.class);
    assertThat(first.content().toString(StandardCharsets.US_ASCII)).isEqualTo("he");
    assertThat(last).isInstanceOf(LastHttpContent.class);
    assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("llo");
    first.release();
    last.release();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aBadChunkIsAFailedLastContentAndNothingAfterItIsDecoded() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\nzz\r\n"));
    RequestHead h = ch.readInbound();
    assertThat(h.framing).isEqualTo(Framing.CHUNKED);
    LastHttpContent failed = ch.readInbound(); // the data of the same read is dropped with it
    assertThat(failed.decoderResult().cause()).isInstanceOf(Rejection.class).hasMessage("invalid chunk size 'zz'");
    failed.release();
    ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertThat((Object) ch.readInbound()).isNull();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aHeadDribbledByteByByteIsScannedOnce() throws Exception {
    EmbeddedChannel ch = channel();
    String head = "GET / HTTP/1.1\r\nHost: x\r\n" + "X-Filler: " + "v".repeat(8000) + "\r\n\r\n";
    for (int i = 0; i < head.length(); i++) {
      ch.writeInbound(ascii(head.substring(i, i + 1)));
    }
    RequestHead h = ch.readInbound();
    assertThat(h.request.headers().get("x-filler")).hasSize(8000);
    // Linear: each byte looked at once (a scan from the head's start on every read would be ~32 million).
    assertThat(examined(ch)).isLessThanOrEqualTo(head.length());
    assertFalse(ch.finishAndReleaseAll());
  }

  private static long examined(EmbeddedChannel ch) throws Exception {
    RequestDecoder d = ((ServerCodec) ch.pipeline().first()).decoder();
    Field f = RequestDecoder.class.getDeclaredField("lines");
    f.setAccessible(true);
    return ((LineReader) f.get(d)).examined();
  }

  @Test
  void manyEmptyLinesAreConsumedAndRejectedNotBuffered() {
    EmbeddedChannel ch = channel();
    for (int i = 0; i < RequestDecoder.MAX_EMPTY_LINES; i++) {
      ch.writeInbound(ascii("\r\n"));
      assertThat((Object) ch.readInbound()).isNull();
    }
    ch.writeInbound(ascii("\r\n"));
    RequestHead r = ch.readInbound();
    assertThat(r.rejection.status()).isEqualTo(400);
    assertThat(r.rejection.reason()).isEqualTo("more than 4 empty lines before the request line");
    ch.writeInbound(ascii("\r\n".repeat(10_000)));
    assertThat((Object) ch.readInbound()).isNull();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void anEmptyLineStartsTheHeaderTimer() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("\r\n"));
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(events).containsExactly(ServerCodec.HeaderTimeout.INSTANCE);
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void nothingAfterAnUpgradeRequestIsParsedUntilTheTunnelTakesIt() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello"));
    RequestHead h = ch.readInbound();
    assertThat(h.upgrade).isTrue();
    assertThat((Object) ch.readInbound()).as("frame bytes are not read as HTTP").isNull();
    ch.pipeline().remove(ServerCodec.class);
    ByteBuf passed = ch.readInbound();
    assertThat(passed.toString(StandardCharsets.ISO_8859_1)).isEqualTo("\u0081\u0005hello");
    passed.release();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aHeadAnswerIsEncodedWithoutBodyEvenWhenChunked() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ReferenceCountUtil.release(ch.readInbound());
    DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    ch.writeOutbound(res, LastHttpContent.EMPTY_LAST_CONTENT);
    StringBuilder out = new StringBuilder();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      out.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    assertThat(out.toString()).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void headersThatStallPastTheTimeoutRaiseAHeaderTimeout() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET / HTTP/1.1\r\nHo"));
    ch.advanceTimeBy(9, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(events).isEmpty();
    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(events).containsExactly(ServerCodec.HeaderTimeout.INSTANCE);
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void theHeaderTimerStopsOnceTheHeadIsComplete() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe"));
    ch.advanceTimeBy(1, TimeUnit.MINUTES); // a slow body is not a slow head
    ch.runScheduledPendingTasks();
    ch.writeInbound(ascii("llo"));
    assertThat(events).isEmpty();
    RequestHead r = ch.readInbound();
    assertThat(r.rejection).isNull();
    drain(ch);
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void anIdleKeepAliveConnectionHasNoHeaderTimer() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ch.advanceTimeBy(1, TimeUnit.MINUTES);
    ch.runScheduledPendingTasks();
    assertThat(events).isEmpty();
    drain(ch);
    assertFalse(ch.finishAndReleaseAll());
  }

  private static void drain(EmbeddedChannel ch) {
    for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
      ReferenceCountUtil.release(o);
    }
  }
}
