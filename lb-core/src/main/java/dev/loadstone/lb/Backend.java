package dev.loadstone.lb;

import java.util.Objects;

/**
 * An immutable backend: a stable id, a {@code host:port} address and a weight in 1..1000.
 *
 * <p>Ids are what sticky cookies, metrics and the admin API name; they never change for the life of a
 * backend. When no id is given, the address is used.
 */
public final class Backend {
  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 1000;
  private static final int MAX_ID_LENGTH = 128;

  private final String id;
  private final String host;
  private final int port;
  private final int weight;

  private Backend(String id, String host, int port, int weight) {
    this.id = id;
    this.host = host;
    this.port = port;
    this.weight = weight;
  }

  /** A backend with the given id, address ({@code host:port} or {@code [v6]:port}) and weight. */
  public static Backend of(String id, String address, int weight) {
    HostPort hp = HostPort.parse(address);
    return new Backend(checkId(id == null ? hp.toString() : id), hp.host(), hp.port(), checkWeight(weight));
  }

  /** A backend of weight 1 whose id is its address. */
  public static Backend of(String address) {
    return of(null, address, 1);
  }

  static String checkId(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("backend id: '" + id + "' (expected: a non-blank string)");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "backend id: '" + id.substring(0, 32) + "...' (expected: at most " + MAX_ID_LENGTH + " characters)");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';' || c == '"' || c == '\\' || c == '/') {
        throw new IllegalArgumentException(
            "backend id: '" + id + "' (expected: printable ASCII without spaces, ',', ';', '\"', '\\' or '/')");
      }
    }
    return id;
  }

  static int checkWeight(int weight) {
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight: " + weight + " (expected: " + MIN_WEIGHT + ".." + MAX_WEIGHT + ")");
    }
    return weight;
  }

  public String id() {
    return id;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** {@code host:port}, with IPv6 literals in brackets. */
  public String address() {
    return new HostPort(host, port).toString();
  }

  public int weight() {
    return weight;
  }

  /** The same backend (same id and address) with another weight. */
  public Backend withWeight(int newWeight) {
    return new Backend(id, host, port, checkWeight(newWeight));
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Backend)) {
      return false;
    }
    Backend b = (Backend) o;
    return port == b.port && weight == b.weight && id.equals(b.id) && host.equals(b.host);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, host, port, weight);
  }

  @Override
  public String toString() {
    return id + "(" + address() + ", weight=" + weight + ")";
  }
}
