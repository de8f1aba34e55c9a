package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Turns a backend's bytes into {@link ResponseHead}s and body contents, with the same strict line and field
 * rules as requests ({@link FieldLines}) and the response framing of {@link Framing}: a backend that sends
 * something a lenient parser would repair (a header name with a space, obs-fold, a bare LF, two
 * Content-Lengths) gets its response refused as invalid, never rewritten. Interim 1xx responses other than 101
 * are consumed here (the proxy answers a client's 100-continue itself); after a 101 nothing more is parsed.
 */
final class ResponseDecoder extends ByteToMessageDecoder {
  static final int MAX_STATUS_LINE = 16 * 1024;
  static final int MAX_HEADER_SIZE = 64 * 1024;
  private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private enum State { LINE, HEADERS, BODY, UPGRADED, BAD }

  private final ArrayDeque<HttpMethod> methods;
  private final LineReader lines = new LineReader();
  private final BodyDecoder body = new BodyDecoder(MAX_HEADER_SIZE, 0, 502);
  private State state = State.LINE;
  private int headerBytes;
  private HttpVersion version;
  private HttpResponseStatus status;
  private HttpHeaders headers;

  ResponseDecoder(ArrayDeque<HttpMethod> methods) {
    this.methods = methods;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      decode0(ctx, in, out);
    } catch (Rejection r) {
      in.skipBytes(in.readableBytes());
      body.discard();
      state = State.BAD;
      out.add(ResponseHead.invalid(r.reason()));
    }
  }

  private void decode0(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Rejection {
    for (;;) {
      switch (state) {
        case LINE: {
          int len = lines.next(in, MAX_STATUS_LINE);
          if (len == LineReader.NEED_MORE) {
            return;
          }
          check(len, "a status line longer than " + MAX_STATUS_LINE + " bytes");
          byte[] a = HttpChars.scratch(len);
          in.getBytes(in.readerIndex(), a, 0, len);
          in.skipBytes(len + 2);
          statusLine(a, len);
          headers = HEADERS.newHeaders();
          headerBytes = 0;
          state = State.HEADERS;
          continue;
        }
        case HEADERS: {
          int len = lines.next(in, MAX_HEADER_SIZE - headerBytes);
          if (len == LineReader.NEED_MORE) {
            return;
          }
          check(len, "a header block larger than " + MAX_HEADER_SIZE + " bytes");
          if (len == 0) {
            in.skipBytes(2);
            headComplete(out);
            continue;
          }
          byte[] a = HttpChars.scratch(len);
          in.getBytes(in.readerIndex(), a, 0, len);
          String problem = FieldLines.parse(a, len, headers);
          if (problem != null) {
            throw new Rejection(502, problem);
          }
          headerBytes += len + 2;
          in.skipBytes(len + 2);
          continue;
        }
        case BODY:
          if (!body.decode(ctx.alloc(), in, out)) {
            return;
          }
          state = State.LINE;
          continue;
        case UPGRADED:
          return; // WebSocket bytes: the tunnel's relay takes them when this codec is removed
        default:
          in.skipBytes(in.readableBytes());
          return;
      }
    }
  }

  private static void check(int len, String tooLong) throws Rejection {
    if (len == LineReader.TOO_LONG) {
      throw new Rejection(502, tooLong);
    }
    if (len == LineReader.BARE_LF) {
      throw new Rejection(502, "a line ending in a bare LF");
    }
  }

  /** {@code HTTP/1.x SP 3DIGIT [SP reason-phrase]} (RFC 9112 4; a missing reason's SP is tolerated). */
  private void statusLine(byte[] a, int len) throws Rejection {
    boolean shape =
        len >= 12 && a[0] == 'H' && a[1] == 'T' && a[2] == 'T' && a[3] == 'P' && a[4] == '/' && a[5] == '1' && a[6] == '.'
            && HttpChars.isDigit(a[7]) && a[8] == ' '
            && a[9] >= '1' && a[9] <= '5' && HttpChars.isDigit(a[10]) && HttpChars.isDigit(a[11])
            && (len == 12 || a[12] == ' ');
    if (!shape) {
      throw new Rejection(502, "an invalid status line '" + FieldLines.printable(a, len) + "'");
    }
    for (int i = 13; i < len; i++) {
      if (!HttpChars.isFieldContent(a[i])) {
        throw new Rejection(502, "the byte " + HttpChars.show(a[i]) + " in the reason phrase");
      }
    }
    version = a[7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
    int code = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
    status = HttpResponseStatus.valueOf(code);
    if (len > 13 && !sameReason(status.reasonPhrase(), a, len)) {
      status = HttpResponseStatus.valueOf(code, new String(a, 13, len - 13, StandardCharsets.ISO_8859_1));
    }
  }

  /** Whether the reason phrase in {@code a[13..len)} is the standard one (then the shared status object serves). */
  private static boolean sameReason(String reason, byte[] a, int len) {
    if (reason.length() != len - 13) {
      return false;
    }
    for (int i = 13; i < len; i++) {
      if (reason.charAt(i - 13) != (char) (a[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  private void headComplete(List<Object> out) throws Rejection {
    int code = status.code();
    if (code / 100 == 1 && code != 101) {
      state = State.LINE; // interim: the final response to the same request follows
      headers = null;
      return;
    }
    HttpMethod method = methods.poll();
    Framing framing = Framing.ofResponse(method, code, version, headers);
    out.add(new ResponseHead(new DefaultHttpResponse(version, status, headers), framing));
    headers = null;
    if (code == 101) {
      state = State.UPGRADED;
    } else if (framing.hasBody()) {
      body.start(framing);
      state = State.BODY;
    } else {
      state = State.LINE;
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    decode(ctx, in, out);
    if (state == State.BODY) {
      LastHttpContent end = body.endOfInput();
      if (end != null) {
        out.add(end); // a close-delimited body ends with the connection
        state = State.LINE;
      }
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    body.discard();
  }
}
