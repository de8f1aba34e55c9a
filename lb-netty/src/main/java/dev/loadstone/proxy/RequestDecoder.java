package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a client's bytes into {@link RequestHead}s and body contents. It parses the head line by line as the
 * bytes arrive (each line scanned once, consumed once parsed), applies {@link RequestRules} to the complete
 * head, and decodes the body with {@link BodyDecoder} as the {@link Framing} decided. Anything refused becomes
 * a rejected head (or a failed {@code LastHttpContent} mid-body) and everything after it is discarded.
 *
 * <p>Bounds: at most {@value #MAX_EMPTY_LINES} empty lines before a request line (RFC 9112 2.2 asks to ignore
 * at least one), a request line of {@code maxRequestLine} bytes (else 414), a header section of {@code
 * maxHeaderSize} bytes (else 431), and the head must be complete {@code headerTimeout} after its first byte,
 * empty lines included (else a {@link ServerCodec.HeaderTimeout} event). After an upgrade request nothing is
 * parsed until the tunnel takes the bytes over (or the connection closes).
 */
final class RequestDecoder extends ByteToMessageDecoder {
  static final int MAX_EMPTY_LINES = 4;
  private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private enum State { LINE, HEADERS, BODY, UPGRADE_PENDING, BAD }

  private final int maxRequestLine;
  private final int maxHeaderSize;
  private final long maxBodySize;
  private final long headerTimeoutNanos;
  private final ArrayDeque<HttpMethod> methods;
  private final LineReader lines = new LineReader();
  private final BodyDecoder body;
  private ChannelHandlerContext ctx;
  private State state = State.LINE;
  private int emptyLines;
  private int headerBytes;
  private RequestLine line;
  private HttpHeaders headers;
  private ScheduledFuture<?> headerTimer;

  RequestDecoder(int maxRequestLine, int maxHeaderSize, long maxBodySize, long headerTimeoutNanos, ArrayDeque<HttpMethod> methods) {
    this.maxRequestLine = maxRequestLine;
    this.maxHeaderSize = maxHeaderSize;
    this.maxBodySize = maxBodySize;
    this.headerTimeoutNanos = headerTimeoutNanos;
    this.methods = methods;
    this.body = new BodyDecoder(maxHeaderSize, maxBodySize, 400);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      decodeHeadsAndBodies(ctx, in, out);
    } catch (Rejection r) {
      reject(in, out, r);
    }
    if ((state == State.LINE && (emptyLines > 0 || in.isReadable())) || state == State.HEADERS) {
      armHeaderTimer();
    }
  }

  private void decodeHeadsAndBodies(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Rejection {
    for (;;) {
      switch (state) {
        case LINE: {
          int len = lines.next(in, maxRequestLine);
          if (len == LineReader.NEED_MORE) {
            return;
          }
          if (len == 0) {
            in.skipBytes(2);
            if (++emptyLines > MAX_EMPTY_LINES) {
              throw new Rejection(400, "more than " + MAX_EMPTY_LINES + " empty lines before the request line");
            }
            continue;
          }
          lineTooLongOrBare(len, 414, "the request line is longer than " + maxRequestLine + " bytes");
          byte[] a = HttpChars.scratch(len);
          in.getBytes(in.readerIndex(), a, 0, len);
          in.skipBytes(len + 2);
          line = RequestLine.parse(a, len);
          headers = HEADERS.newHeaders();
          headerBytes = 0;
          state = State.HEADERS;
          continue;
        }
        case HEADERS: {
          int len = lines.next(in, maxHeaderSize - headerBytes);
          if (len == LineReader.NEED_MORE) {
            return;
          }
          lineTooLongOrBare(len, 431, "the request headers are larger than " + maxHeaderSize + " bytes");
          in.skipBytes(len == 0 ? 2 : 0);
          if (len == 0) {
            headComplete(out);
            continue;
          }
          byte[] a = HttpChars.scratch(len);
          in.getBytes(in.readerIndex(), a, 0, len);
          String problem = FieldLines.parse(a, len, headers);
          if (problem != null) {
            throw new Rejection(400, "malformed request: " + problem);
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
        case UPGRADE_PENDING:
          return; // the bytes wait in the cumulation: the tunnel (or nobody) takes them
        default:
          in.skipBytes(in.readableBytes());
          return;
      }
    }
  }

  private static void lineTooLongOrBare(int len, int tooLongStatus, String tooLong) throws Rejection {
    if (len == LineReader.TOO_LONG) {
      throw new Rejection(tooLongStatus, tooLong);
    }
    if (len == LineReader.BARE_LF) {
      throw new Rejection(400, "malformed request: a line ending in a bare LF (expected: CRLF)");
    }
  }

  private void headComplete(List<Object> out) throws Rejection {
    cancelHeaderTimer();
    emptyLines = 0;
    RequestLine l = line;
    HttpHeaders h = headers;
    line = null;
    headers = null;
    RequestHead head;
    try {
      head = RequestRules.check(l, h, maxBodySize);
    } catch (Rejection r) {
      line = l; // so the rejection knows the method
      throw r;
    }
    methods.add(head.method);
    out.add(head);
    if (head.upgrade) {
      state = State.UPGRADE_PENDING;
    } else if (head.framing.hasBody()) {
      body.start(head.framing);
      state = State.BODY;
    } else {
      state = State.LINE;
    }
  }

  private void reject(ByteBuf in, List<Object> out, Rejection r) {
    cancelHeaderTimer();
    in.skipBytes(in.readableBytes());
    if (state == State.BODY) {
      LastHttpContent failed = new DefaultLastHttpContent();
      failed.setDecoderResult(DecoderResult.failure(r));
      out.add(failed);
    } else {
      HttpMethod m = line == null ? null : line.method();
      methods.add(m == null ? HttpMethod.GET : m);
      out.add(RequestHead.rejected(r, m));
    }
    line = null;
    headers = null;
    state = State.BAD;
  }

  /**
   * Gives a head that waited on the proxy (busy with an earlier request, so not reading) a fresh header
   * timeout; does nothing when no head is in progress.
   */
  void restartHeaderTimer() {
    cancelHeaderTimer();
    if (state == State.HEADERS || (state == State.LINE && (emptyLines > 0 || internalBuffer().isReadable()))) {
      armHeaderTimer();
    }
  }

  private void armHeaderTimer() {
    // Only a head that does not arrive in one read needs a timer (the common case schedules nothing).
    if (headerTimer == null && ctx != null) {
      headerTimer = ctx.executor().schedule(this::headerTimedOut, headerTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void headerTimedOut() {
    headerTimer = null;
    if ((state == State.LINE || state == State.HEADERS) && !ctx.isRemoved()) {
      ctx.fireUserEventTriggered(ServerCodec.HeaderTimeout.INSTANCE);
    }
  }

  private void cancelHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelHeaderTimer();
    body.discard();
  }
}
