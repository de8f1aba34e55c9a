package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The backend side's codec: strict response parsing paired with the methods of the requests written. */
class BackendCodecTest {

  private static EmbeddedChannel sent(HttpMethod method) {
    EmbeddedChannel ch = new EmbeddedChannel(new BackendCodec());
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ReferenceCountUtil.release(o);
    }
    return ch;
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void interimResponsesAreConsumedAndTheFinalOneIsFramedByItsLength() {
    EmbeddedChannel ch = sent(HttpMethod.GET);
    ch.writeInbound(ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    ResponseHead h = ch.readInbound();
    assertThat(h.response.status().code()).isEqualTo(200);
    assertThat(h.framing).isEqualTo(Framing.length(2));
    LastHttpContent body = ch.readInbound();
    assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
    body.release();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aHeadResponseHasNoBodyWhateverItsHeadersSay() {
    EmbeddedChannel ch = sent(HttpMethod.HEAD);
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
    ResponseHead h = ch.readInbound();
    assertThat(h.framing).isEqualTo(Framing.NONE);
    assertThat((Object) ch.readInbound()).isNull();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aResponseWithoutLengthEndsWhenTheBackendCloses() {
    EmbeddedChannel ch = sent(HttpMethod.GET);
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\n\r\nabc"));
    ResponseHead h = ch.readInbound();
    assertThat(h.framing).isEqualTo(Framing.CLOSE);
    HttpContent data = ch.readInbound();
    assertThat(data.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    data.release();
    ch.pipeline().fireChannelInactive();
    assertThat((Object) ch.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aHeaderNameWithASpaceIsAnInvalidResponseNotARewrite() {
    EmbeddedChannel ch = sent(HttpMethod.GET);
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\nok"));
    ResponseHead h = ch.readInbound();
    assertThat(h.invalid).isEqualTo("whitespace in or after the header name 'Bad'");
    assertThat((Object) ch.readInbound()).isNull();
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void afterA101TheBytesAreLeftForTheTunnel() {
    EmbeddedChannel ch = sent(HttpMethod.GET);
    ch.writeInbound(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0002hi"));
    ResponseHead h = ch.readInbound();
    assertThat(h.response.status().code()).isEqualTo(101);
    assertThat((Object) ch.readInbound()).isNull();
    ch.pipeline().remove(BackendCodec.class);
    ByteBuf frame = ch.readInbound();
    assertThat(frame.toString(StandardCharsets.ISO_8859_1)).isEqualTo("\u0081\u0002hi");
    frame.release();
    assertFalse(ch.finishAndReleaseAll());
  }
}
