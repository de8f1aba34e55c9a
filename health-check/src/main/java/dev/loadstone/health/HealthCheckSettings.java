package dev.loadstone.health;

import java.time.Duration;
import java.util.Objects;

/**
 * How backends are checked: the active probe (HTTP, TCP or none), its schedule and rise/fall thresholds, and
 * passive outlier detection. Immutable; built with {@link #builder()}, where every option may be set once and
 * every value is validated when it is set (the message names the value and what was expected).
 */
public final class HealthCheckSettings {
  /** The active probe. */
  public enum Type {
    /** An HTTP/1.1 request; passes on an expected status (and body substring, when one is configured). */
    HTTP,
    /** A TCP connect; passes when the connection is established. */
    TCP,
    /** No active probe: backends are UP unless passive outlier detection ejects them. */
    NONE
  }

  private final Type type;
  private final String method;
  private final String path;
  private final String hostHeader;
  private final int minStatus;
  private final int maxStatus;
  private final String bodyContains;
  private final int maxBodyBytes;
  private final Duration interval;
  private final Duration downInterval;
  private final double jitter;
  private final Duration timeout;
  private final int rise;
  private final int fall;
  private final int port;
  private final int consecutiveFailures;
  private final Duration baseEjectionTime;
  private final Duration maxEjectionTime;
  private final double maxEjectionShare;

  private HealthCheckSettings(Builder b) {
    type = b.type;
    method = b.method;
    path = b.path;
    hostHeader = b.hostHeader;
    minStatus = b.minStatus;
    maxStatus = b.maxStatus;
    bodyContains = b.bodyContains;
    maxBodyBytes = b.maxBodyBytes;
    interval = b.interval;
    downInterval = b.downInterval == null ? b.interval : b.downInterval;
    jitter = b.jitter;
    timeout = b.timeout;
    rise = b.rise;
    fall = b.fall;
    port = b.port;
    consecutiveFailures = b.consecutiveFailures;
    baseEjectionTime = b.baseEjectionTime;
    maxEjectionTime = b.maxEjectionTime;
    maxEjectionShare = b.maxEjectionShare;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All defaults: HTTP GET / every 2 s (+-10%), timeout 1 s, rise 2, fall 3; eject after 5 failures for 30 s. */
  public static HealthCheckSettings defaults() {
    return builder().build();
  }

  public Type type() {
    return type;
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The Host header to send, or null to send the backend's {@code host:port}. */
  public String hostHeader() {
    return hostHeader;
  }

  public boolean isExpectedStatus(int status) {
    return status >= minStatus && status <= maxStatus;
  }

  public int minStatus() {
    return minStatus;
  }

  public int maxStatus() {
    return maxStatus;
  }

  /** A substring the response body must contain (within {@link #maxBodyBytes()}), or null for none. */
  public String bodyContains() {
    return bodyContains;
  }

  /** How many body bytes an HTTP check reads at most when looking for {@link #bodyContains()}. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public Duration interval() {
    return interval;
  }

  /** The interval while a backend is DOWN (by default the same as {@link #interval()}). */
  public Duration downInterval() {
    return downInterval;
  }

  /** The share by which each interval is randomly stretched or shrunk (0.1 = +-10%). */
  public double jitter() {
    return jitter;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Consecutive passing checks that bring a DOWN backend UP. */
  public int rise() {
    return rise;
  }

  /** Consecutive failing checks that take an UP backend DOWN. */
  public int fall() {
    return fall;
  }

  /** The port checks connect to, or 0 for the backend's own port. */
  public int port() {
    return port;
  }

  /** Consecutive failed exchanges (connect failures, 5xx) that eject a backend; 0 turns ejection off. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public Duration baseEjectionTime() {
    return baseEjectionTime;
  }

  public Duration maxEjectionTime() {
    return maxEjectionTime;
  }

  /** The largest share of the pool that may be ejected at once (0.5 = at most half, rounded down). */
  public double maxEjectionShare() {
    return maxEjectionShare;
  }

  @Override
  public String toString() {
    return "HealthCheckSettings{type=" + type
        + (type == Type.HTTP ? ", " + method + " " + path + ", status " + minStatus + "-" + maxStatus : "")
        + ", interval=" + interval + ", downInterval=" + downInterval + ", jitter=" + jitter
        + ", timeout=" + timeout + ", rise=" + rise + ", fall=" + fall
        + (port == 0 ? "" : ", port=" + port)
        + ", consecutiveFailures=" + consecutiveFailures + ", ejection=" + baseEjectionTime + ".."
        + maxEjectionTime + ", maxEjectionShare=" + maxEjectionShare + "}";
  }

  /** Builds {@link HealthCheckSettings}; each option may be set once. */
  public static final class Builder {
    private Type type = Type.HTTP;
    private String method = "GET";
    private String path = "/";
    private String hostHeader;
    private int minStatus = 200;
    private int maxStatus = 399;
    private String bodyContains;
    private int maxBodyBytes = 8192;
    private Duration interval = Duration.ofSeconds(2);
    private Duration downInterval;
    private double jitter = 0.1;
    private Duration timeout = Duration.ofSeconds(1);
    private int rise = 2;
    private int fall = 3;
    private int port;
    private int consecutiveFailures = 5;
    private Duration baseEjectionTime = Duration.ofSeconds(30);
    private Duration maxEjectionTime = Duration.ofSeconds(300);
    private double maxEjectionShare = 0.5;
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    public Builder type(Type t) {
      once("type");
      type = Objects.requireNonNull(t, "type");
      return this;
    }

    public Builder method(String m) {
      once("method");
      if (m == null || m.isEmpty() || !m.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
        throw new IllegalArgumentException("health method: '" + m + "' (expected: an HTTP method such as GET or HEAD)");
      }
      method = m;
      return this;
    }

    public Builder path(String p) {
      once("path");
      if (p == null || !p.startsWith("/") || p.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new IllegalArgumentException(
            "health path: '" + p + "' (expected: an absolute path starting with '/', printable ASCII, no spaces)");
      }
      path = p;
      return this;
    }

    public Builder hostHeader(String host) {
      once("hostHeader");
      if (host == null || host.isBlank() || host.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new IllegalArgumentException("health host header: '" + host + "' (expected: a host name, optionally with :port)");
      }
      hostHeader = host;
      return this;
    }

    public Builder expectedStatuses(int from, int to) {
      once("expectedStatuses");
      if (from < 100 || to > 599 || from > to) {
        throw new IllegalArgumentException(
            "health expected statuses: " + from + "-" + to + " (expected: a range within 100-599, from <= to)");
      }
      minStatus = from;
      maxStatus = to;
      return this;
    }

    public Builder bodyContains(String text) {
      once("bodyContains");
      if (text == null || text.isEmpty()) {
        throw new IllegalArgumentException("health body substring: '" + text + "' (expected: a non-empty string)");
      }
      bodyContains = text;
      return this;
    }

    public Builder maxBodyBytes(int bytes) {
      once("maxBodyBytes");
      if (bytes < 1 || bytes > 1 << 20) {
        throw new IllegalArgumentException("health max body bytes: " + bytes + " (expected: 1..1048576)");
      }
      maxBodyBytes = bytes;
      return this;
    }

    public Builder interval(Duration d) {
      once("interval");
      interval = positive("health interval", d);
      return this;
    }

    public Builder downInterval(Duration d) {
      once("downInterval");
      downInterval = positive("health down interval", d);
      return this;
    }

    public Builder jitter(double share) {
      once("jitter");
      if (!(share >= 0.0 && share <= 0.5)) {
        throw new IllegalArgumentException("health jitter: " + share + " (expected: 0.0..0.5)");
      }
      jitter = share;
      return this;
    }

    public Builder timeout(Duration d) {
      once("timeout");
      timeout = positive("health timeout", d);
      return this;
    }

    public Builder rise(int n) {
      once("rise");
      rise = count("health rise", n, 1);
      return this;
    }

    public Builder fall(int n) {
      once("fall");
      fall = count("health fall", n, 1);
      return this;
    }

    public Builder port(int p) {
      once("port");
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("health port: " + p + " (expected: 1..65535)");
      }
      port = p;
      return this;
    }

    /** Consecutive failed exchanges that eject a backend; 0 turns passive outlier detection off. */
    public Builder consecutiveFailures(int n) {
      once("consecutiveFailures");
      consecutiveFailures = count("outlier consecutive failures", n, 0);
      return this;
    }

    public Builder baseEjectionTime(Duration d) {
      once("baseEjectionTime");
      baseEjectionTime = positive("outlier base ejection time", d);
      return this;
    }

    public Builder maxEjectionTime(Duration d) {
      once("maxEjectionTime");
      maxEjectionTime = positive("outlier max ejection time", d);
      return this;
    }

    public Builder maxEjectionShare(double share) {
      once("maxEjectionShare");
      if (!(share >= 0.0 && share <= 1.0)) {
        throw new IllegalArgumentException("outlier max ejection share: " + share + " (expected: 0.0..1.0)");
      }
      maxEjectionShare = share;
      return this;
    }

    public HealthCheckSettings build() {
      if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
        throw new IllegalArgumentException(
            "outlier max ejection time: " + maxEjectionTime + " (expected: >= base ejection time " + baseEjectionTime + ")");
      }
      if (bodyContains != null && type != Type.HTTP) {
        throw new IllegalArgumentException("health body substring: '" + bodyContains + "' (expected: only with type HTTP, not " + type + ")");
      }
      return new HealthCheckSettings(this);
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      if (d.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: at most 1 day)");
      }
      return d;
    }

    private static int count(String name, int n, int min) {
      if (n < min || n > 1000) {
        throw new IllegalArgumentException(name + ": " + n + " (expected: " + min + "..1000)");
      }
      return n;
    }
  }
}
