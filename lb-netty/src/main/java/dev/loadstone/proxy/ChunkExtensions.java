package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;

/**
 * Checks the chunk extensions after a chunk size (RFC 9112 7.1.1): {@code *( BWS ";" BWS ext-name [ BWS "="
 * BWS ext-val ] )} with a token name and a token or quoted-string value. The proxy drops them when it
 * re-chunks, but it refuses malformed ones: parsers that disagree on where an extension ends disagree on where
 * the chunk data starts (the chunk-extension smuggling class of bugs, e.g. CVE-2025-58056 in Netty).
 */
final class ChunkExtensions {
  private ChunkExtensions() {}

  /** Null when {@code in[from..to)} is a valid (possibly empty) extension list, else what is wrong. */
  static String problem(ByteBuf in, int from, int to) {
    int i = from;
    while (i < to) {
      i = ows(in, i, to);
      if (i == to) {
        return "trailing whitespace in the chunk-size line";
      }
      if (in.getByte(i) != ';') {
        return "the byte " + HttpChars.show(in.getByte(i)) + " after the chunk size";
      }
      i = ows(in, i + 1, to);
      int name = i;
      while (i < to && HttpChars.isTchar(in.getByte(i))) {
        i++;
      }
      if (i == name) {
        return "an extension without a name";
      }
      int afterName = ows(in, i, to);
      if (afterName < to && in.getByte(afterName) == '=') {
        i = ows(in, afterName + 1, to);
        if (i < to && in.getByte(i) == '"') {
          i = quotedStringEnd(in, i, to);
          if (i < 0) {
            return "an unterminated quoted string";
          }
        } else {
          int value = i;
          while (i < to && HttpChars.isTchar(in.getByte(i))) {
            i++;
          }
          if (i == value) {
            return "an extension without a value after '='";
          }
        }
      } else {
        i = afterName;
      }
    }
    return null;
  }

  private static int ows(ByteBuf in, int i, int to) {
    while (i < to && HttpChars.isOws(in.getByte(i))) {
      i++;
    }
    return i;
  }

  /** The index after the quoted-string starting at {@code i} (RFC 9110 5.6.4), or -1. */
  private static int quotedStringEnd(ByteBuf in, int i, int to) {
    for (i++; i < to; i++) {
      int c = in.getByte(i) & 0xff;
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        i++;
        if (i == to || !HttpChars.isFieldContent(in.getByte(i))) {
          return -1;
        }
      } else if (!HttpChars.isFieldContent(c)) {
        return -1;
      }
    }
    return -1;
  }
}
