package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * Trailer fields are dropped unless named in {@code forward-trailers} (none by default), in both directions:
 * many servers merge trailers into the headers, so a forwarded trailer would let a client set any header
 * after the proxy's checks (a trailer {@code X-Forwarded-For: 6.6.6.6}). Names that frame, route or
 * authenticate a message can never be allowed (RFC 9110 6.5.1 lists fields a trailer must not carry).
 */
final class TrailerPolicy {
  private final String[] allowed;

  private TrailerPolicy(String[] allowed) {
    this.allowed = allowed;
  }

  /** The policy forwarding {@code names}, checked by {@link HeaderPolicy#trailers} (the config's own rule). */
  static TrailerPolicy allowing(String setting, List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : HeaderPolicy.trailers(setting, names)) {
      out.add(RequestHeaderPolicy.normalized(n));
    }
    return new TrailerPolicy(out.toArray(new String[0]));
  }

  /** {@code last} with only the allowed trailer fields (in place; most messages have none). */
  LastHttpContent filter(LastHttpContent last) {
    HttpHeaders t = last.trailingHeaders();
    if (t.isEmpty()) {
      return last;
    }
    for (String name : t.names().toArray(new String[0])) {
      if (!isAllowed(name)) {
        t.remove(name);
      }
    }
    return last;
  }

  private boolean isAllowed(String name) {
    String norm = RequestHeaderPolicy.normalized(name);
    for (String a : allowed) {
      if (a.equals(norm)) {
        return true;
      }
    }
    return false;
  }
}
