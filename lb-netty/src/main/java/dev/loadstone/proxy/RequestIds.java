package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id of each exchange, in one header ({@code request-id-header}, default {@code X-Request-Id}).
 * A trusted proxy's value (a client inside {@code trusted-proxies}) is kept when it is 1 to {@value #MAX_LENGTH}
 * visible ASCII characters; any other value is replaced, as Envoy does for external requests. New ids are
 * random UUIDs (version 4) from the event loop's {@link ThreadLocalRandom}: no lock, no system call, unique
 * enough to find one exchange in the logs (not a secret). The backend always gets the id in the header; the
 * client gets it in the response only with {@code request-id-response: true}.
 */
final class RequestIds {
  static final int MAX_LENGTH = 128;
  /** Null: request ids are off ({@code request-id-header: none}). */
  final AsciiString header;
  final boolean inResponse;

  /** {@code header} null turns request ids off. */
  RequestIds(String header, boolean inResponse) {
    this.header = header == null ? null : AsciiString.cached(RequestHeaderPolicy.normalized(header));
    this.inResponse = inResponse;
  }

  /**
   * The exchange's id: the trusted client's valid one, else a new one, which the header is set to (one value);
   * null when request ids are off.
   */
  String assign(HttpHeaders h, boolean trusted) {
    if (header == null) {
      return null;
    }
    String id = trusted ? h.get(header) : null;
    if (id != null && valid(id) && h.getAll(header).size() == 1) {
      return id;
    }
    id = generate();
    h.set(header, id);
    return id;
  }

  /** Puts the id into a response to the client, when configured. */
  void respond(HttpHeaders h, String id) {
    if (inResponse && id != null) {
      h.set(header, id);
    }
  }

  static boolean valid(String id) {
    int n = id.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new java.util.UUID(hi, lo).toString();
  }
}
