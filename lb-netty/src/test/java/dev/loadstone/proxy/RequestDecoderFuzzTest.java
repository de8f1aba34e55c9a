package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of the client-side request head parser and body framing ({@link ServerCodec}
 * on an {@link EmbeddedChannel}): any bytes, sent whole or one byte per read, decode without an exception to the
 * same heads, rejections and body bytes (a failed body: the same failure); every rejection is a 4xx/5xx status; heads and bodies stay within the
 * configured bounds; every buffer is released. Seeds: the regression corpus's requests
 * ({@code RequestDecoderFuzzTestInputs/}).
 */
class RequestDecoderFuzzTest {
  private static final int MAX_LINE = 256;
  private static final int MAX_HEADERS = 512;
  private static final int MAX_BODY = 1024;

  @FuzzTest(maxDuration = "60s", maxExecutions = 20_000)
  void anyBytesDecodeTheSameWholeOrByteByByteWithinTheBoundsAndReleaseEverything(byte[] input) {
    List<String> whole = transcript(input, Math.max(1, input.length));
    List<String> bytewise = transcript(input, 1);
    assertThat(bytewise).as("one byte per read").isEqualTo(whole);
  }

  /** What the decoder produced from {@code input} fed in pieces of {@code piece} bytes, each output released. */
  private static List<String> transcript(byte[] input, int piece) {
    EmbeddedChannel ch = new EmbeddedChannel(new ServerCodec(MAX_LINE, MAX_HEADERS, MAX_BODY, Duration.ofSeconds(10)));
    ch.freezeTime(); // the header timeout never fires
    List<String> out = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    List<ByteBuf> sent = new ArrayList<>();
    for (int at = 0; at < input.length && ch.isOpen(); at += piece) {
      ByteBuf b = Unpooled.copiedBuffer(input, at, Math.min(piece, input.length - at));
      sent.add(b);
      ch.writeInbound(b);
      drain(ch, out, body);
    }
    ch.finish();
    drain(ch, out, body);
    for (ByteBuf b : sent) {
      assertThat(b.refCnt()).as("an input buffer still held after the channel closed").isZero();
    }
    return out;
  }

  private static void drain(EmbeddedChannel ch, List<String> out, StringBuilder body) {
    for (Object m; (m = ch.readInbound()) != null; ) {
      try {
        String s = describe(m, body);
        if (s != null) {
          out.add(s);
        }
      } finally {
        ReferenceCountUtil.release(m);
      }
    }
    assertThat((Object) ch.readOutbound()).as("the codec writes nothing by itself").isNull();
  }

  private static String describe(Object m, StringBuilder body) {
    if (m instanceof RequestHead h) {
      if (h.rejection != null) {
        assertThat(h.rejection.status()).as(h.rejection.getMessage()).isBetween(400, 505);
        assertThat(h.rejection.getMessage()).isNotBlank();
        return "rejected " + h.rejection.status() + " " + h.rejection.getMessage();
      }
      StringBuilder s = new StringBuilder("head ").append(h.request.method()).append(' ').append(h.request.uri())
          .append(' ').append(h.request.protocolVersion()).append(' ').append(h.framing).append(' ')
          .append(h.expectContinue).append(' ').append(h.upgrade);
      int size = 0;
      for (Map.Entry<String, String> e : h.request.headers()) {
        s.append("\n").append(e.getKey()).append(": ").append(e.getValue());
        size += e.getKey().length() + e.getValue().length() + 4;
      }
      assertThat(h.request.uri().length()).isLessThanOrEqualTo(MAX_LINE);
      assertThat(size).as("header bytes (the proxy may add its own, not here)").isLessThanOrEqualTo(MAX_HEADERS + 64);
      return s.toString();
    }
    if (m instanceof HttpContent c) {
      body.append(c.content().toString(StandardCharsets.ISO_8859_1));
      assertThat(body.length()).as("body bytes").isLessThanOrEqualTo(MAX_BODY);
      if (!(m instanceof LastHttpContent last)) {
        return null; // pieces differ with the reads: only the whole body is compared
      }
      // a failed body aborts the exchange: how much of it was passed on before the failure depends on the reads
      String s = last.decoderResult().isFailure() ? "body failed " + last.decoderResult().cause().getMessage()
          : "body " + body.length() + " " + body + " trailers " + last.trailingHeaders();
      body.setLength(0);
      return s;
    }
    throw new AssertionError("unexpected message from the decoder: " + m.getClass().getName());
  }
}
