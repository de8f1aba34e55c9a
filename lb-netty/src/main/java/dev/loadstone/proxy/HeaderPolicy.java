package dev.loadstone.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Validates the configurable header lists: request trailers to forward and request headers to strip. */
final class HeaderPolicy {
  private HeaderPolicy() {}

  /**
   * Headers that must never come from a trailer (RFC 9110 section 6.5.1: framing, routing, request
   * modifiers, authentication, content processing) or that the proxy owns (hop-by-hop, forwarding).
   */
  private static final Set<String> NEVER_TRAILERS = Set.of(
      "content-length", "transfer-encoding", "trailer", "te", "host", "connection", "keep-alive", "upgrade",
      "proxy-connection", "expect", "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since",
      "if-range", "max-forwards", "cache-control", "authorization", "proxy-authorization", "cookie",
      "content-encoding", "content-type", "content-range", "forwarded", "x-real-ip", "set-cookie");

  /** Headers the proxy needs to route and frame a request; stripping them would break every request. */
  private static final Set<String> NEVER_STRIPPED = Set.of("host", "content-length", "transfer-encoding");

  static List<String> trailers(String key, List<String> names) {
    List<String> out = names(key, names);
    for (String n : out) {
      // Compared as servers that treat '_' like '-' see it (x_forwarded_for is x-forwarded-for to them).
      String seen = RequestHeaderPolicy.normalized(n);
      if (NEVER_TRAILERS.contains(seen) || seen.startsWith("x-forwarded-")) {
        throw new IllegalArgumentException(key + ": '" + n + "' (expected: a header allowed in trailers; framing, routing,"
            + " forwarding, authentication, request-modifier and content headers are not, RFC 9110 section 6.5.1)");
      }
    }
    return out;
  }

  static List<String> stripped(String key, List<String> names) {
    List<String> out = names(key, names);
    for (String n : out) {
      if (NEVER_STRIPPED.contains(RequestHeaderPolicy.normalized(n))) {
        throw new IllegalArgumentException(
            key + ": '" + n + "' (expected: a header the proxy does not need; host, content-length and transfer-encoding stay)");
      }
    }
    return out;
  }

  /** Valid field names, lower-cased, each once. */
  private static List<String> names(String key, List<String> names) {
    Objects.requireNonNull(names, key);
    List<String> out = new ArrayList<>(names.size());
    for (String n : names) {
      String name = ValueTypes.headerName(key, n);
      if (out.contains(name)) {
        throw new IllegalArgumentException(key + ": '" + n + "' (expected: each name once; it appears twice)");
      }
      out.add(name);
    }
    return List.copyOf(out);
  }
}
