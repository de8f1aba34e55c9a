package dev.loadstone.proxy;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.lb.Backend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy's settings, immutable. Build one with {@link #builder()}, or read a YAML file with {@link
 * #load(Path)} (the keys are the long flag names, e.g. {@code connect-timeout: 2s}; see
 * {@code examples/proxy.yaml}).
 */
public final class ProxyConfig {
  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_RETRIES = 2;
  public static final int DEFAULT_POOL_MAX_IDLE = 64;
  public static final int DEFAULT_MAX_REQUEST_LINE = 8 * 1024;
  public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  public static final Duration DEFAULT_STICKY_MAX_AGE = Duration.ofDays(1);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TUNNEL_IDLE_TIMEOUT = Duration.ofHours(1);

  /** The values, a private copy made by {@link Builder#build()} with every default filled in; never changed. */
  private final Builder v;

  private ProxyConfig(Builder frozen) {
    this.v = frozen;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a YAML config file. Unknown keys, wrong types and bad values are errors whose message names
   * the key and the file ({@link ConfigException}).
   */
  public static ProxyConfig load(Path file) {
    return ConfigFile.read(file).toConfig();
  }

  public InetSocketAddress listen() {
    return v.listen;
  }

  /** The admin server's address, or null when none was configured (the admin server is not part of this class). */
  public InetSocketAddress admin() {
    return v.admin;
  }

  public List<Backend> backends() {
    return v.backends;
  }

  public Algorithm algorithm() {
    return v.algorithm;
  }

  /** {@code header:NAME}, {@code cookie:NAME}, {@code client-ip}, {@code path}, or null. */
  public String hashKey() {
    return v.hashKey;
  }

  /** The sticky cookie's name, or null when sticky sessions are off. */
  public String stickyCookie() {
    return v.stickyCookie;
  }

  /** Cookie signing keys by key id in order; the last one signs new cookies, all verify. Empty: a random key at start. */
  public Map<String, byte[]> stickyKeys() {
    Map<String, byte[]> copy = new LinkedHashMap<>();
    v.stickyKeys.forEach((k, secret) -> copy.put(k, secret.clone()));
    return copy;
  }

  /** How long a sticky cookie is honoured (and its Max-Age); default 1 day. */
  public Duration stickyMaxAge() {
    return v.stickyMaxAge;
  }

  public Duration connectTimeout() {
    return v.connectTimeout;
  }

  public Duration responseTimeout() {
    return v.responseTimeout;
  }

  /**
   * How long a client connection may stay open with no bytes moving on it; the time an exchange waits for
   * its backend connection or response head never counts as idle (that is {@link #responseTimeout()}).
   */
  public Duration idleTimeout() {
    return v.idleTimeout;
  }

  public Duration headerTimeout() {
    return v.headerTimeout;
  }

  public int retries() {
    return v.retries;
  }

  /** Largest request body in bytes; 0 means unlimited. */
  public long maxBodySize() {
    return v.maxBodySize;
  }

  public List<String> trustedProxies() {
    return v.trustedProxies;
  }

  /** How long a WebSocket tunnel may carry no traffic either way before both sides are closed (default 1 h). */
  public Duration tunnelIdleTimeout() {
    return v.tunnelIdleTimeout;
  }

  /** Request trailers passed to backends, lower-case; every other trailer is dropped (default: none). */
  public List<String> forwardedTrailers() {
    return v.forwardedTrailers;
  }

  /**
   * Request headers removed from untrusted clients, lower-case, besides every {@code X-Forwarded-*}, {@code
   * X-Real-IP} and {@code Forwarded}, which always are (default: none).
   */
  public List<String> stripRequestHeaders() {
    return v.stripRequestHeaders;
  }

  /** Idle keep-alive connections kept per backend per event loop. */
  public int poolMaxIdle() {
    return v.poolMaxIdle;
  }

  /** How long an idle pooled backend connection is kept before it is closed. */
  public Duration poolIdleTimeout() {
    return v.poolIdleTimeout;
  }

  public int maxRequestLine() {
    return v.maxRequestLine;
  }

  public int maxHeaderSize() {
    return v.maxHeaderSize;
  }

  /** Active and passive health checking (default: TCP connect checks, or HTTP when a health path is set). */
  public HealthCheckSettings health() {
    return v.health;
  }

  /** The slow-start window of a backend that comes UP (default 0 = off). */
  public Duration slowStart() {
    return v.slowStart;
  }

  /** How long a drained or deleted backend may keep in-flight exchanges before it is removed (default 30 s). */
  public Duration drainTimeout() {
    return v.drainTimeout;
  }

  /** How long in-flight exchanges may take to finish after SIGTERM (default 30 s). */
  public Duration shutdownTimeout() {
    return v.shutdownTimeout;
  }

  /** A file holding the admin API's bearer token, or null (then {@code LOADSTONE_ADMIN_TOKEN}, if set, is used). */
  public Path adminTokenFile() {
    return v.adminTokenFile;
  }

  @Override
  public String toString() {
    return "ProxyConfig(listen=" + v.listen + ", backends=" + v.backends + ", algorithm=" + v.algorithm.flagName() + ")";
  }

  /** Each option may be set once; {@link #build()} checks the combination. */
  public static final class Builder {
    private InetSocketAddress listen;
    private InetSocketAddress admin;
    private List<Backend> backends = new ArrayList<>();
    private Algorithm algorithm;
    private String hashKey;
    private String stickyCookie;
    private Map<String, byte[]> stickyKeys = new LinkedHashMap<>();
    private Duration stickyMaxAge;
    private Duration connectTimeout;
    private Duration responseTimeout;
    private Duration idleTimeout;
    private Duration headerTimeout;
    private Integer retries;
    private Long maxBodySize;
    private List<String> trustedProxies;
    private Duration tunnelIdleTimeout;
    private List<String> forwardedTrailers;
    private List<String> stripRequestHeaders;
    private Integer poolMaxIdle;
    private Duration poolIdleTimeout;
    private Integer maxRequestLine;
    private Integer maxHeaderSize;
    private HealthCheckSettings health;
    private Duration slowStart;
    private Duration drainTimeout;
    private Duration shutdownTimeout;
    private Path adminTokenFile;

    private Builder() {}

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + Durations.format(d) + " (expected: > 0)");
      }
      return d;
    }

    public Builder listen(InetSocketAddress address) {
      once(listen, "listen");
      listen = Objects.requireNonNull(address, "listen");
      return this;
    }

    public Builder listen(String hostPort) {
      return listen(Addresses.parse("listen", hostPort));
    }

    public Builder admin(InetSocketAddress address) {
      once(admin, "admin");
      admin = Objects.requireNonNull(address, "admin");
      return this;
    }

    public Builder addBackend(Backend backend) {
      backends.add(Objects.requireNonNull(backend, "backend"));
      return this;
    }

    /** {@code host:port}, optionally followed by {@code ,weight=N} and {@code ,id=NAME}. */
    public Builder addBackend(String spec) {
      return addBackend(BackendSpec.parse(spec));
    }

    public Builder algorithm(Algorithm a) {
      once(algorithm, "algorithm");
      algorithm = Objects.requireNonNull(a, "algorithm");
      return this;
    }

    public Builder hashKey(String spec) {
      once(hashKey, "hash-key");
      hashKey = HashKey.parse(spec).toString();
      return this;
    }

    public Builder stickyCookie(String name) {
      once(stickyCookie, "sticky-cookie");
      if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        throw new IllegalArgumentException("sticky-cookie: '" + name + "' (expected: a cookie name token, e.g. LB_STICKY)");
      }
      stickyCookie = name;
      return this;
    }

    /** Adds a cookie signing key (at least 32 bytes); the last one added signs new cookies, all verify. */
    public Builder addStickyKey(String keyId, byte[] secret) {
      if (keyId == null || keyId.isEmpty()) {
        throw new IllegalArgumentException("sticky key id: '" + keyId + "' (expected: a non-empty id)");
      }
      if (secret == null || secret.length < 32) {
        throw new IllegalArgumentException(
            "sticky key '" + keyId + "': " + (secret == null ? 0 : secret.length) + " bytes (expected: at least 32)");
      }
      if (stickyKeys.putIfAbsent(keyId, secret.clone()) != null) {
        throw new IllegalArgumentException("sticky key id: '" + keyId + "' (expected: unique ids; it appears twice)");
      }
      return this;
    }

    public Builder stickyMaxAge(Duration d) {
      once(stickyMaxAge, "sticky-max-age");
      Objects.requireNonNull(d, "sticky-max-age");
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("sticky-max-age: " + Durations.format(d) + " (expected: >= 1s)");
      }
      stickyMaxAge = d;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      once(connectTimeout, "connect-timeout");
      connectTimeout = positive("connect-timeout", d);
      return this;
    }

    public Builder responseTimeout(Duration d) {
      once(responseTimeout, "response-timeout");
      responseTimeout = positive("response-timeout", d);
      return this;
    }

    public Builder idleTimeout(Duration d) {
      once(idleTimeout, "idle-timeout");
      idleTimeout = positive("idle-timeout", d);
      return this;
    }

    public Builder headerTimeout(Duration d) {
      once(headerTimeout, "header-timeout");
      headerTimeout = positive("header-timeout", d);
      return this;
    }

    public Builder retries(int n) {
      once(retries, "retries");
      if (n < 0 || n > 100) {
        throw new IllegalArgumentException("retries: " + n + " (expected: 0..100)");
      }
      retries = n;
      return this;
    }

    public Builder maxBodySize(long bytes) {
      once(maxBodySize, "max-body-size");
      if (bytes < 0) {
        throw new IllegalArgumentException("max-body-size: " + bytes + " (expected: >= 0, 0 = unlimited)");
      }
      maxBodySize = bytes;
      return this;
    }

    public Builder trustedProxies(List<String> cidrs) {
      once(trustedProxies, "trusted-proxy");
      for (String c : cidrs) {
        Cidr.parse(c);
      }
      trustedProxies = List.copyOf(cidrs);
      return this;
    }

    /** Idle timeout of a WebSocket tunnel: no bytes either way for this long closes both sides (default 1 h). */
    public Builder tunnelIdleTimeout(Duration d) {
      once(tunnelIdleTimeout, "tunnel-idle-timeout");
      tunnelIdleTimeout = positive("tunnel-idle-timeout", d);
      return this;
    }

    /**
     * Request trailers to pass to backends (default none: every trailer is dropped). Framing, routing,
     * forwarding, authentication, request-modifier and content headers are refused (RFC 9110 section 6.5.1).
     */
    public Builder forwardedTrailers(List<String> names) {
      once(forwardedTrailers, "forward-trailers");
      forwardedTrailers = HeaderPolicy.trailers("forward-trailers", names);
      return this;
    }

    /** Extra request headers removed from untrusted clients, besides the forwarding headers (default none). */
    public Builder stripRequestHeaders(List<String> names) {
      once(stripRequestHeaders, "strip-headers");
      stripRequestHeaders = HeaderPolicy.stripped("strip-headers", names);
      return this;
    }

    public Builder poolMaxIdle(int n) {
      once(poolMaxIdle, "pool-max-idle");
      if (n < 0 || n > 10_000) {
        throw new IllegalArgumentException("pool-max-idle: " + n + " (expected: 0..10000)");
      }
      poolMaxIdle = n;
      return this;
    }

    public Builder poolIdleTimeout(Duration d) {
      once(poolIdleTimeout, "pool-idle-timeout");
      poolIdleTimeout = positive("pool-idle-timeout", d);
      return this;
    }

    public Builder maxRequestLine(int bytes) {
      once(maxRequestLine, "max-request-line");
      if (bytes < 256 || bytes > 1 << 20) {
        throw new IllegalArgumentException("max-request-line: " + bytes + " (expected: 256..1048576)");
      }
      maxRequestLine = bytes;
      return this;
    }

    public Builder maxHeaderSize(int bytes) {
      once(maxHeaderSize, "max-header-size");
      if (bytes < 256 || bytes > 1 << 20) {
        throw new IllegalArgumentException("max-header-size: " + bytes + " (expected: 256..1048576)");
      }
      maxHeaderSize = bytes;
      return this;
    }

    public Builder health(HealthCheckSettings settings) {
      once(health, "health");
      health = Objects.requireNonNull(settings, "health");
      return this;
    }

    public Builder slowStart(Duration d) {
      once(slowStart, "slow-start");
      Objects.requireNonNull(d, "slow-start");
      if (d.isNegative()) {
        throw new IllegalArgumentException("slow-start: " + Durations.format(d) + " (expected: >= 0)");
      }
      slowStart = d;
      return this;
    }

    public Builder drainTimeout(Duration d) {
      once(drainTimeout, "drain-timeout");
      drainTimeout = positive("drain-timeout", d);
      return this;
    }

    public Builder shutdownTimeout(Duration d) {
      once(shutdownTimeout, "shutdown-timeout");
      shutdownTimeout = positive("shutdown-timeout", d);
      return this;
    }

    public Builder adminTokenFile(Path file) {
      once(adminTokenFile, "admin-token-file");
      adminTokenFile = Objects.requireNonNull(file, "admin-token-file");
      return this;
    }

    /** Checks the combination and returns an immutable config; this builder is not changed and may go on. */
    public ProxyConfig build() {
      Builder f = new Builder();
      f.listen = listen == null ? Addresses.parse("listen", DEFAULT_LISTEN) : listen;
      f.admin = admin;
      f.backends = List.copyOf(backends);
      f.hashKey = hashKey;
      f.algorithm = algorithm != null ? algorithm : hashKey != null ? Algorithm.CONSISTENT_HASH : Algorithm.ROUND_ROBIN;
      f.stickyCookie = stickyCookie;
      Map<String, byte[]> keys = new LinkedHashMap<>();
      stickyKeys.forEach((k, secret) -> keys.put(k, secret.clone()));
      f.stickyKeys = Collections.unmodifiableMap(keys);
      f.stickyMaxAge = or(stickyMaxAge, DEFAULT_STICKY_MAX_AGE);
      f.connectTimeout = or(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
      f.responseTimeout = or(responseTimeout, DEFAULT_RESPONSE_TIMEOUT);
      f.idleTimeout = or(idleTimeout, DEFAULT_IDLE_TIMEOUT);
      f.headerTimeout = or(headerTimeout, DEFAULT_HEADER_TIMEOUT);
      f.tunnelIdleTimeout = or(tunnelIdleTimeout, DEFAULT_TUNNEL_IDLE_TIMEOUT);
      f.retries = or(retries, DEFAULT_RETRIES);
      f.maxBodySize = or(maxBodySize, 0L);
      f.trustedProxies = or(trustedProxies, List.of());
      f.forwardedTrailers = or(forwardedTrailers, List.of());
      f.stripRequestHeaders = or(stripRequestHeaders, List.of());
      f.poolMaxIdle = or(poolMaxIdle, DEFAULT_POOL_MAX_IDLE);
      f.poolIdleTimeout = or(poolIdleTimeout, DEFAULT_POOL_IDLE_TIMEOUT);
      f.maxRequestLine = or(maxRequestLine, DEFAULT_MAX_REQUEST_LINE);
      f.maxHeaderSize = or(maxHeaderSize, DEFAULT_MAX_HEADER_SIZE);
      f.health = health == null ? HealthCheckSettings.builder().type(HealthCheckSettings.Type.TCP).build() : health;
      f.slowStart = or(slowStart, Duration.ZERO);
      f.drainTimeout = or(drainTimeout, DEFAULT_DRAIN_TIMEOUT);
      f.shutdownTimeout = or(shutdownTimeout, DEFAULT_SHUTDOWN_TIMEOUT);
      f.adminTokenFile = adminTokenFile;
      ConfigRules.check(f.backends, f.algorithm, f.hashKey, f.listen, f.admin, headerTimeout, f.idleTimeout);
      return new ProxyConfig(f);
    }

    private static <T> T or(T value, T otherwise) {
      return value == null ? otherwise : value;
    }
  }
}
