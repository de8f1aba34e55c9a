package dev.loadstone.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code ::1/128}. */
final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  static Cidr parse(String text) {
    return parse("trusted-proxy", text);
  }

  /** {@code key} names the setting in error messages ({@code trusted-proxy}, {@code trusted-proxies[2]}). */
  static Cidr parse(String key, String text) {
    String t = text == null ? "" : text.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (addr.isEmpty() || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: an IP network such as 10.0.0.0/8 or ::1/128)");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress(); // literal only: no DNS for digits, dots and colons
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: an IP network such as 10.0.0.0/8 or ::1/128)");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: a prefix length 0.." + max + ")");
      }
    }
    return new Cidr(bytes, prefix, t);
  }

  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int bits = prefix;
    for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((a[i] & mask) != (network[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
