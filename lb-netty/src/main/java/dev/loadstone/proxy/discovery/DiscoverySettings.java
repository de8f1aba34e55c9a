package dev.loadstone.proxy.discovery;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What discovery resolves and how often: the targets, the name server (null: the system's, from
 * {@code /etc/resolv.conf}), and the bounds of the re-resolve interval (the answer's TTL, at least {@code
 * minInterval} and at most {@code maxInterval}; a failed or empty answer is asked again after {@code minInterval}).
 */
public record DiscoverySettings(List<DnsTarget> targets, InetSocketAddress server, Duration minInterval,
    Duration maxInterval, Duration queryTimeout) {
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

  public DiscoverySettings {
    targets = List.copyOf(targets);
    Objects.requireNonNull(minInterval, "dns-min-interval");
    Objects.requireNonNull(maxInterval, "dns-max-interval");
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    if (minInterval.compareTo(Duration.ofMillis(10)) < 0) {
      throw new IllegalArgumentException("dns-min-interval: " + minInterval + " (expected: >= 10ms)");
    }
    if (maxInterval.compareTo(minInterval) < 0) {
      throw new IllegalArgumentException("dns-max-interval: " + maxInterval + " (expected: >= dns-min-interval " + minInterval + ")");
    }
  }

  /** When to resolve again after an answer with this TTL: the TTL bounded by the min and max intervals. */
  public Duration nextDelay(Duration ttl) {
    if (ttl.compareTo(minInterval) < 0) {
      return minInterval;
    }
    return ttl.compareTo(maxInterval) > 0 ? maxInterval : ttl;
  }
}
