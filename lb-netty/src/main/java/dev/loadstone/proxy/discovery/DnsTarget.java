package dev.loadstone.proxy.discovery;

import java.util.Locale;
import java.util.Objects;

/**
 * A name the proxy resolves to find backends: {@code NAME:PORT} (its A and AAAA records, every address on
 * PORT; {@code --backend-dns}) or {@code _service._proto.NAME} (its SRV records, each with its own target,
 * port, priority and weight; {@code --backend-srv}).
 */
public final class DnsTarget {
  /** Which records are asked for. */
  public enum Kind {
    ADDRESS,
    SRV
  }

  private final Kind kind;
  private final String name; // lower case, no trailing dot
  private final int port; // 0 for SRV

  private DnsTarget(Kind kind, String name, int port) {
    this.kind = kind;
    this.name = name;
    this.port = port;
  }

  /** {@code NAME:PORT}, e.g. {@code app.default.svc.cluster.local:8080}. */
  public static DnsTarget address(String spec) {
    Objects.requireNonNull(spec, "backend-dns");
    int colon = spec.lastIndexOf(':');
    if (colon <= 0 || colon == spec.length() - 1) {
      throw new IllegalArgumentException("backend-dns: '" + spec + "' (expected: NAME:PORT, e.g. app.internal:8080)");
    }
    int port;
    try {
      port = Integer.parseInt(spec.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("backend-dns: '" + spec + "' port: '" + spec.substring(colon + 1) + "' (expected: 1..65535)");
    }
    return new DnsTarget(Kind.ADDRESS, name("backend-dns", spec, spec.substring(0, colon)), port);
  }

  /** {@code _service._proto.NAME}, e.g. {@code _http._tcp.app.service.consul}. */
  public static DnsTarget srv(String spec) {
    Objects.requireNonNull(spec, "backend-srv");
    String n = name("backend-srv", spec, spec);
    String[] labels = n.split("\\.");
    if (labels.length < 3 || !labels[0].startsWith("_") || !labels[1].startsWith("_")) {
      throw new IllegalArgumentException("backend-srv: '" + spec + "' (expected: _service._proto.NAME, e.g. _http._tcp.app.internal)");
    }
    return new DnsTarget(Kind.SRV, n, 0);
  }

  private static String name(String key, String spec, String raw) {
    String n = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
    if (n.isEmpty() || n.length() > 253) {
      throw new IllegalArgumentException(key + ": '" + spec + "' (expected: a DNS name of 1..253 characters)");
    }
    for (String label : n.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || !label.chars().allMatch(c -> c == '-' || c == '_' || Character.isLetterOrDigit(c) && c < 0x80)) {
        throw new IllegalArgumentException(key + ": '" + spec + "' label: '" + label
            + "' (expected: 1..63 letters, digits, '-' or '_' between dots)");
      }
    }
    return n.toLowerCase(Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** The backends' port for an address target; 0 for SRV (each record has its own). */
  public int port() {
    return port;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsTarget t && t.kind == kind && t.name.equals(name) && t.port == port;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, port);
  }

  /** As configured: {@code app.internal:8080} or {@code _http._tcp.app.internal}. */
  @Override
  public String toString() {
    return kind == Kind.ADDRESS ? name + ":" + port : name;
  }
}
