package dev.loadstone.proxy;

import java.net.InetSocketAddress;

final class Addresses {
  private Addresses() {}

  /** {@code host:port} or {@code [v6]:port}; port 0 picks a free port. Resolves the host now. */
  static InetSocketAddress parse(String key, String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    String host = colon < 0 ? "" : t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: host:port, port 0..65535)");
    }
    InetSocketAddress a = new InetSocketAddress(host, port);
    if (a.isUnresolved()) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: a resolvable host; '" + host + "' is unknown)");
    }
    return a;
  }
}
