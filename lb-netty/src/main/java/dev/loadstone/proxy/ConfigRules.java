package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The rules over several settings that {@link ProxyConfigBuilder#build()} enforces, so that a configuration
 * that contradicts itself fails at start-up with one line naming both keys and values instead of misbehaving
 * later. A rule is enforced when the first key it names was set; a default never makes a configuration fail
 * (with only {@code idle-timeout: 2s} set, the 10 s default header timeout stays, and a stalled head is
 * closed by the idle timeout). The health-check rule, health-timeout below health-interval, is in {@link
 * HealthFlags}: it applies to the {@code health-*} keys, while users of {@code HealthCheckSettings} choose.
 */
final class ConfigRules {
  private ConfigRules() {}

  /** {@code headerTimeout} is null when it was not set. */
  static void check(List<Backend> backends, boolean discovered, Algorithm algorithm, String hashKey, InetSocketAddress listen,
      InetSocketAddress admin, Duration headerTimeout, Duration idleTimeout) {
    if (backends.isEmpty() && !discovered) {
      throw new IllegalArgumentException(
          "backends: none (expected: at least one --backend host:port, --backend-dns NAME:PORT or --backend-srv _service._proto.NAME)");
    }
    if (algorithm == Algorithm.CONSISTENT_HASH && hashKey == null) {
      throw new IllegalArgumentException(
          "hash-key: not set (expected: header:NAME, cookie:NAME, client-ip or path with --algorithm consistent-hash)");
    }
    if (algorithm != Algorithm.CONSISTENT_HASH && hashKey != null) {
      throw new IllegalArgumentException(
          "hash-key: '" + hashKey + "' (expected: only with --algorithm consistent-hash, not " + algorithm.flagName() + ")");
    }
    // The header timer runs from a request's first byte; the idle timer from the last byte while no exchange
    // is in flight. A client that sends one byte of a head and stalls would be closed by the idle timer before
    // it could get the 408 the header timeout promises.
    if (headerTimeout != null && headerTimeout.compareTo(idleTimeout) >= 0) {
      throw new IllegalArgumentException("header-timeout: " + Durations.format(headerTimeout)
          + " (expected: less than idle-timeout " + Durations.format(idleTimeout) + ", or a stalled request head never gets its 408)");
    }
    if (admin != null && clash(listen, admin)) {
      throw new IllegalArgumentException("admin: " + hostPort(admin)
          + " (expected: an address other than listen " + hostPort(listen) + "; the admin API never shares the traffic port)");
    }
  }

  /** Whether two bind addresses would take the same port: the same port (not 0) on the same or a wildcard address. */
  private static boolean clash(InetSocketAddress a, InetSocketAddress b) {
    if (a.getPort() == 0 || a.getPort() != b.getPort()) {
      return false;
    }
    return a.getAddress().equals(b.getAddress()) || a.getAddress().isAnyLocalAddress() || b.getAddress().isAnyLocalAddress();
  }

  static String hostPort(InetSocketAddress a) {
    String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }
}
