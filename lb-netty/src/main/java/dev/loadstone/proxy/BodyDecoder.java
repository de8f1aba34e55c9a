package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Decodes one message body as its {@link Framing} says, strictly (RFC 9112 6 and 7.1): exactly N bytes; or
 * chunks of {@code 1*HEXDIG [chunk-ext] CRLF data CRLF}, where the size has at most 15 hex digits, chunk
 * extensions must be {@code ;name[=token|quoted-string]} (then dropped) and each chunk's data must end with
 * CRLF, up to the last chunk and a trailer section parsed like headers; or everything until the close.
 *
 * <p>Memory stays bounded: data is emitted as slices of the read buffer as it arrives (never aggregated), the
 * pieces of many small chunks in one read are emitted as one content, and size lines and trailers have
 * limits.
 */
final class BodyDecoder {
  /** A chunk-size line with its extensions; longer is refused (HAProxy and Envoy refuse long ones too). */
  static final int MAX_CHUNK_LINE = 4096;

  private enum State { LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, DONE }

  private final LineReader lines = new LineReader();
  private final int maxTrailerSize;
  private final long maxBody;
  private final int bad;
  private State state = State.DONE;
  private long remaining;
  private long total;
  private int trailerBytes;
  private HttpHeaders trailers;
  /** Chunk data of the current read not yet emitted; {@code pendingOwned} when it is our copy, not a slice. */
  private ByteBuf pending;
  private boolean pendingOwned;

  /** {@code maxBody} 0 means unlimited; {@code bad} is the status of a malformed body (400 for requests). */
  BodyDecoder(int maxTrailerSize, long maxBody, int bad) {
    this.maxTrailerSize = maxTrailerSize;
    this.maxBody = maxBody;
    this.bad = bad;
  }

  void start(Framing f) {
    total = 0;
    lines.reset();
    trailers = null;
    trailerBytes = 0;
    switch (f.kind()) {
      case LENGTH:
        state = State.LENGTH;
        remaining = f.length();
        break;
      case CHUNKED:
        state = State.CHUNK_SIZE;
        break;
      case CLOSE:
        state = State.UNTIL_CLOSE;
        break;
      default:
        state = State.DONE;
    }
  }

  /** Adds what {@code in} holds of the body to {@code out}; true once the body is complete (its LastHttpContent added). */
  boolean decode(ByteBufAllocator alloc, ByteBuf in, List<Object> out) throws Rejection {
    boolean done;
    try {
      done = decode0(alloc, in, out);
    } catch (Rejection r) {
      discard();
      throw r;
    }
    flush(out);
    return done;
  }

  private boolean decode0(ByteBufAllocator alloc, ByteBuf in, List<Object> out) throws Rejection {
    for (;;) {
      switch (state) {
        case LENGTH: {
          int n = (int) Math.min(remaining, in.readableBytes());
          if (n == 0) {
            return false;
          }
          remaining -= n;
          ByteBuf data = in.readRetainedSlice(n);
          if (remaining > 0) {
            out.add(new DefaultHttpContent(data));
            return false;
          }
          state = State.DONE;
          out.add(new DefaultLastHttpContent(data));
          return true;
        }
        case CHUNK_SIZE: {
          int len = lines.next(in, MAX_CHUNK_LINE);
          if (len == LineReader.NEED_MORE) {
            return false;
          }
          if (len < 0) {
            throw new Rejection(bad, len == LineReader.TOO_LONG ? "a chunk-size line longer than " + MAX_CHUNK_LINE + " bytes" : "a chunk-size line ending in a bare LF");
          }
          long size = chunkSize(in, in.readerIndex(), len);
          in.skipBytes(len + 2);
          if (size == 0) {
            state = State.TRAILERS;
          } else {
            remaining = size;
            state = State.CHUNK_DATA;
          }
          continue;
        }
        case CHUNK_DATA: {
          int n = (int) Math.min(remaining, in.readableBytes());
          if (n == 0) {
            return false;
          }
          count(n);
          remaining -= n;
          collect(alloc, in, n);
          if (remaining == 0) {
            state = State.CHUNK_END;
          }
          continue;
        }
        case CHUNK_END: {
          if (in.readableBytes() < 2) {
            return false;
          }
          if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
            throw new Rejection(bad, "chunk data not followed by CRLF");
          }
          in.skipBytes(2);
          state = State.CHUNK_SIZE;
          continue;
        }
        case TRAILERS: {
          int len = lines.next(in, maxTrailerSize - trailerBytes);
          if (len == LineReader.NEED_MORE) {
            return false;
          }
          if (len < 0) {
            throw new Rejection(bad, len == LineReader.TOO_LONG ? "trailers larger than " + maxTrailerSize + " bytes" : "a trailer line ending in a bare LF");
          }
          if (len == 0) {
            in.skipBytes(2);
            state = State.DONE;
            flush(out);
            out.add(trailers == null ? LastHttpContent.EMPTY_LAST_CONTENT : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
            return true;
          }
          byte[] a = HttpChars.scratch(len);
          in.getBytes(in.readerIndex(), a, 0, len);
          if (trailers == null) {
            trailers = DefaultHttpHeadersFactory.trailersFactory().withValidation(false).newHeaders();
          }
          String problem = FieldLines.parse(a, len, trailers);
          if (problem != null) {
            throw new Rejection(bad, "invalid trailer: " + problem);
          }
          trailerBytes += len + 2;
          in.skipBytes(len + 2);
          continue;
        }
        case UNTIL_CLOSE: {
          int n = in.readableBytes();
          if (n > 0) {
            out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
          }
          return false;
        }
        default:
          return true;
      }
    }
  }

  /** The end of a body delimited by the close; null when the close cut a framed body short. */
  LastHttpContent endOfInput() {
    if (state != State.UNTIL_CLOSE) {
      return null;
    }
    state = State.DONE;
    return LastHttpContent.EMPTY_LAST_CONTENT;
  }

  /** Releases a partly collected content (the decoder is being removed). */
  void discard() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  private void count(int n) throws Rejection {
    total += n;
    if (maxBody > 0 && total > maxBody) {
      throw new Rejection(413, "the request body is larger than the limit of " + maxBody + " bytes");
    }
  }

  /** Gathers chunk data of one read into one buffer: a slice for the first piece, a copy once there are more. */
  private void collect(ByteBufAllocator alloc, ByteBuf in, int n) {
    if (pending == null) {
      pending = in.readRetainedSlice(n);
      pendingOwned = false;
      return;
    }
    if (!pendingOwned || pending.writableBytes() < n) {
      ByteBuf merged = alloc.buffer(2 * (pending.readableBytes() + n));
      merged.writeBytes(pending);
      pending.release();
      pending = merged;
      pendingOwned = true;
    }
    pending.writeBytes(in, n);
  }

  private void flush(List<Object> out) {
    if (pending != null) {
      out.add(new DefaultHttpContent(pending));
      pending = null;
    }
  }

  /** {@code 1*HEXDIG [ BWS ";" ... ]}: at most 15 digits (no overflow, no sign, no 0x), then valid extensions. */
  private long chunkSize(ByteBuf in, int from, int len) throws Rejection {
    long size = 0;
    int i = 0;
    while (i < len && HttpChars.isHex(in.getByte(from + i))) {
      if (i == 15) {
        throw new Rejection(bad, "a chunk size of more than 15 hex digits");
      }
      size = (size << 4) + Character.digit(in.getByte(from + i), 16);
      i++;
    }
    if (i == 0) {
      throw new Rejection(bad, "invalid chunk size '" + in.toString(from, Math.min(len, 32), java.nio.charset.StandardCharsets.ISO_8859_1) + "'");
    }
    String problem = ChunkExtensions.problem(in, from + i, from + len);
    if (problem != null) {
      throw new Rejection(bad, "invalid chunk extension: " + problem);
    }
    return size;
  }
}
