package dev.loadstone.lb;

/** A parsed {@code host:port} (IPv6 literals in brackets). Package-private: {@link Backend} exposes it. */
record HostPort(String host, int port) {

  static HostPort parse(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("address: '" + address + "' (expected: host:port)");
    }
    String a = address.trim();
    String host;
    String portText;
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      if (close < 0 || close + 1 >= a.length() || a.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("address: '" + address + "' (expected: [ipv6]:port)");
      }
      host = a.substring(1, close);
      portText = a.substring(close + 2);
      if (host.indexOf(':') < 0) {
        throw new IllegalArgumentException("address: '" + address + "' (expected: an IPv6 literal inside [ ])");
      }
    } else {
      int colon = a.lastIndexOf(':');
      if (colon <= 0 || a.indexOf(':') != colon) {
        throw new IllegalArgumentException("address: '" + address + "' (expected: host:port)");
      }
      host = a.substring(0, colon);
      portText = a.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("address: '" + address + "' (expected: a non-empty host)");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = Character.isLetterOrDigit(c) && c < 0x80 || c == '.' || c == '-' || c == ':' || c == '_' || c == '%';
      if (!ok) {
        throw new IllegalArgumentException("address: '" + address + "' (expected: a host name or IP literal)");
      }
    }
    int port;
    try {
      if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new NumberFormatException(portText);
      }
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port: '" + portText + "' in address '" + address + "' (expected: 1..65535)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " in address '" + address + "' (expected: 1..65535)");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
