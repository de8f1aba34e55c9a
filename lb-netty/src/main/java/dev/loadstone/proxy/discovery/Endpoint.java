package dev.loadstone.proxy.discovery;

import java.net.InetAddress;

/**
 * One backend address an answer names: IP, port, and for SRV its priority and weight (address records: 0 and 1).
 */
record Endpoint(InetAddress ip, int port, int priority, int weight) {
  /** {@code 10.0.0.5:8080} or {@code [fd00::5]:8080}: the backend's address and id. */
  String address() {
    String h = ip.getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
  }
}
