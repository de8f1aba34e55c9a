package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;

/**
 * Finds the CRLF-terminated line at a cumulation buffer's reader index. It remembers how far it already
 * looked, so a head that arrives one byte per read is still scanned once in all (linear, where searching
 * from the start of the head on every read is quadratic), and it never looks further than the line's limit,
 * so a line without end costs at most that limit in memory.
 */
final class LineReader {
  static final int NEED_MORE = -1;
  static final int TOO_LONG = -2;
  static final int BARE_LF = -3;

  /** Bytes after the reader index already known to hold no LF. */
  private int scanned;
  private long examined;

  /**
   * The length (without its CRLF) of the line at {@code in}'s reader index; or {@link #NEED_MORE}; or
   * {@link #TOO_LONG} when it is longer than {@code max} bytes; or {@link #BARE_LF} when it ends with an LF
   * that has no CR before it (RFC 9112 2.2: we accept CRLF only). The caller consumes the line.
   */
  int next(ByteBuf in, int max) {
    int start = in.readerIndex();
    int limit = (int) Math.min(in.writerIndex(), (long) start + Math.max(0, max) + 2);
    int from = Math.min(start + scanned, limit);
    int lf = from == limit ? -1 : in.indexOf(from, limit, (byte) '\n');
    if (lf < 0) {
      examined += limit - from;
      scanned = limit - start;
      return limit - start >= Math.max(0, max) + 2 ? TOO_LONG : NEED_MORE;
    }
    examined += lf + 1 - from;
    scanned = 0;
    if (lf == start || in.getByte(lf - 1) != '\r') {
      return BARE_LF;
    }
    return lf - 1 - start;
  }

  void reset() {
    scanned = 0;
  }

  /** How many bytes this reader has looked at in all (tests use it to show that scanning is linear). */
  long examined() {
    return examined;
  }
}
