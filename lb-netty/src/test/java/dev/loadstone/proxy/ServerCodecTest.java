package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
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
  void aHeadAnswerIsEncodedWithoutBodyEvenWhenChunked() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ReferenceCountUtil.release(ch.readInbound());
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
