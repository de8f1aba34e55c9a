package dev.loadstone.proxy;

import static dev.loadstone.proxy.ConfigChecks.once;
import static dev.loadstone.proxy.ConfigChecks.positive;
import static dev.loadstone.proxy.ConfigChecks.range;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.lb.Backend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy's settings, immutable. Build one with {@link #builder()}, or read a YAML file with {@link
 * #load(Path)} (the keys are the long flag names, e.g. {@code connect-timeout: 2s}; see
 * {@code examples/proxy.yaml}). The values live in {@link ConfigValues}; defaults and the rules over several
 * settings are applied by {@link Builder#build()}.
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
  public static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(20);
  public static final long DEFAULT_REQUEST_BODY_MIN_RATE = 500;
  /** SLO-style latency histogram bounds (Prometheus client defaults, minus the sub-5 ms ones). */
  public static final List<Duration> DEFAULT_LATENCY_BUCKETS = List.of(Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10));

  public static final String DEFAULT_REQUEST_ID_HEADER = "x-request-id";

  private final ConfigValues v; // a private copy made by Builder#build() with every default filled in; never changed

  private ProxyConfig(ConfigValues frozen) {
    this.v = frozen;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads a YAML config file; unknown keys, wrong types and bad values are {@link ConfigException}s naming key, file and line. */
  public static ProxyConfig load(Path file) {
    return ConfigFile.read(file).toConfig();
  }

  public InetSocketAddress listen() { return v.listen; }

  /** The admin server's address, or null when none was configured (the admin server is not part of this class). */
  public InetSocketAddress admin() { return v.admin; }

  public List<Backend> backends() { return v.backends; }

  public Algorithm algorithm() { return v.algorithm; }

  /** {@code header:NAME}, {@code cookie:NAME}, {@code client-ip}, {@code path}, or null. */
  public String hashKey() { return v.hashKey; }

  /** The sticky cookie's name, or null when sticky sessions are off. */
  public String stickyCookie() { return v.stickyCookie; }

  /** Cookie signing keys by key id in order; the last one signs new cookies, all verify. Empty: a random key at start. */
  public Map<String, byte[]> stickyKeys() {
    Map<String, byte[]> copy = new LinkedHashMap<>();
    v.stickyKeys.forEach((k, secret) -> copy.put(k, secret.clone()));
    return copy;
  }

  /** How long a sticky cookie is honoured (and its Max-Age); default 1 day. */
  public Duration stickyMaxAge() { return v.stickyMaxAge; }

  public Duration connectTimeout() { return v.connectTimeout; }

  public Duration responseTimeout() { return v.responseTimeout; }

  /** Client connection time with no bytes moving; the wait for a backend's connection or response head never counts. */
  public Duration idleTimeout() { return v.idleTimeout; }

  public Duration headerTimeout() { return v.headerTimeout; }

  public int retries() { return v.retries; }

  /** Time to receive a request body from when the proxy starts reading it, extended per {@link #requestBodyMinRate()}. */
  public Duration requestBodyTimeout() { return v.requestBodyTimeout; }

  /** Bytes of request body that extend {@link #requestBodyTimeout()} by one second (0: the timeout is a fixed total). */
  public long requestBodyMinRate() { return v.requestBodyMinRate; }

  /** Client connections open at once before the listener stops accepting; 0 = half the file-descriptor limit. */
  public int maxConnections() { return v.maxConnections; }

  /** Exchanges in flight per backend before it counts as full (0 = no limit). */
  public int backendMaxConnections() { return v.backendMaxConnections; }

  /** Exchanges that may wait for a backend below {@link #backendMaxConnections()}; more get 503. */
  public int maxQueue() { return v.maxQueue; }

  /** The longest wait in that queue before a 503. */
  public Duration queueTimeout() { return v.queueTimeout; }

  /** Event loop threads; 0 means one per available processor. */
  public int ioThreads() { return v.ioThreads; }

  /** Largest request body in bytes; 0 means unlimited. */
  public long maxBodySize() { return v.maxBodySize; }

  public List<String> trustedProxies() { return v.trustedProxies; }

  /** How long a WebSocket tunnel may carry no traffic either way before both sides are closed (default 1 h). */
  public Duration tunnelIdleTimeout() { return v.tunnelIdleTimeout; }

  /** Request trailers passed to backends, lower-case; every other trailer is dropped (default: none). */
  public List<String> forwardedTrailers() { return v.forwardedTrailers; }

  /** Request headers removed from untrusted clients besides every X-Forwarded-*, X-Real-IP and Forwarded (default none). */
  public List<String> stripRequestHeaders() { return v.stripRequestHeaders; }

  /** Idle keep-alive connections kept per backend per event loop. */
  public int poolMaxIdle() { return v.poolMaxIdle; }

  /** How long an idle pooled backend connection is kept before it is closed. */
  public Duration poolIdleTimeout() { return v.poolIdleTimeout; }

  public int maxRequestLine() { return v.maxRequestLine; }

  public int maxHeaderSize() { return v.maxHeaderSize; }

  /** Active and passive health checking (default: TCP connect checks, or HTTP when a health path is set). */
  public HealthCheckSettings health() { return v.health; }

  /** HTTP/2 to clients: ALPN h2, h2c prior knowledge, stream and flood limits. */
  public dev.loadstone.proxy.h2.Http2Settings http2() { return v.http2; }

  /** The slow-start window of a backend that comes UP (default 0 = off). */
  public Duration slowStart() { return v.slowStart; }

  /** How long a drained or deleted backend may keep in-flight exchanges before it is removed (default 30 s). */
  public Duration drainTimeout() { return v.drainTimeout; }

  /** How long in-flight exchanges may take to finish after SIGTERM (default 30 s). */
  public Duration shutdownTimeout() { return v.shutdownTimeout; }

  /** A file holding the admin API's bearer token, or null (then {@code LOADSTONE_ADMIN_TOKEN}, if set, is used). */
  public Path adminTokenFile() { return v.adminTokenFile; }

  /** Whether the standalone proxy reloads its config file when it changes (default true; SIGHUP always reloads). */
  public boolean watchConfig() { return v.watchConfig; }

  /** Upper bounds of the response-time histogram buckets, increasing (default {@link #DEFAULT_LATENCY_BUCKETS}). */
  public List<Duration> latencyBuckets() { return v.latencyBuckets; }

  /** Backends found by DNS ({@code backend-dns}, {@code backend-srv}, {@code dns-*}), or null when no name is set. */
  public dev.loadstone.proxy.discovery.DiscoverySettings discovery() { return v.discovery; }

  /** The name server discovery asks, or null for the system's ({@code /etc/resolv.conf}). */
  public InetSocketAddress dnsServer() { return v.dnsServer; }

  public Duration dnsMinInterval() { return v.dnsMinInterval; }

  public Duration dnsMaxInterval() { return v.dnsMaxInterval; }

  /** The scaling advisor's settings (the {@code scaling:} section), or null when it is off. */
  public dev.loadstone.proxy.scaling.ScalingConfig scaling() { return v.scaling; }

  /** The {@code backend-dns} targets, as {@code NAME:PORT}. */
  public List<String> backendDns() { return v.backendDns.stream().map(Object::toString).toList(); }

  /** The {@code backend-srv} targets, as {@code _service._proto.NAME}. */
  public List<String> backendSrv() { return v.backendSrv.stream().map(Object::toString).toList(); }

  /** Where access log lines go: {@code stdout} (default), {@code off}, or a file name. */
  public String accessLog() { return v.accessLog; }

  /** {@code text} (default), {@code json}, or a template of {@code %{name}} placeholders. */
  public String accessLogFormat() { return v.accessLogFormat; }

  /** The request id header, lower-case (default {@code x-request-id}), or null when request ids are off. */
  public String requestIdHeader() { return v.requestIdHeader; }

  /** Whether responses to clients carry the request id header too (default false). */
  public boolean requestIdResponse() { return v.requestIdResponse; }

  /** TLS to clients and to {@code https://} backends ({@code tls-*}, {@code hsts}, {@code redirect-listen}); default off. */
  public dev.loadstone.proxy.tls.TlsSettings tls() { return v.tls; }

  @Override
  public String toString() {
    return "ProxyConfig(listen=" + v.listen + ", backends=" + v.backends + ", algorithm=" + v.algorithm.flagName() + ")";
  }

  /** Each option may be set once (a second call throws); {@link #build()} checks the combination. */
  public static final class Builder {
    private final ConfigValues v = new ConfigValues();

    private Builder() {}

    public Builder listen(InetSocketAddress address) {
      v.listen = Objects.requireNonNull(once(v.listen, "listen", address), "listen");
      return this;
    }

    public Builder listen(String hostPort) {
      return listen(Addresses.parse("listen", hostPort));
    }

    public Builder admin(InetSocketAddress address) {
      v.admin = Objects.requireNonNull(once(v.admin, "admin", address), "admin");
      return this;
    }

    public Builder addBackend(Backend backend) {
      v.backends.add(Objects.requireNonNull(backend, "backend"));
      return this;
    }

    /** {@code host:port}, optionally followed by {@code ,weight=N} and {@code ,id=NAME}. */
    public Builder addBackend(String spec) {
      return addBackend(BackendSpec.parse(spec));
    }

    public Builder algorithm(Algorithm a) {
      v.algorithm = Objects.requireNonNull(once(v.algorithm, "algorithm", a), "algorithm");
      return this;
    }

    public Builder hashKey(String spec) {
      once(v.hashKey, "hash-key");
      v.hashKey = HashKey.parse(spec).toString();
      return this;
    }

    public Builder stickyCookie(String name) {
      once(v.stickyCookie, "sticky-cookie");
      if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        throw new IllegalArgumentException("sticky-cookie: '" + name + "' (expected: a cookie name token, e.g. LB_STICKY)");
      }
      v.stickyCookie = name;
      return this;
    }

    /** Adds a cookie signing key (at least 32 bytes); the last one added signs new cookies, all verify. */
    public Builder addStickyKey(String keyId, byte[] secret) {
      v.addStickyKey(keyId, secret);
      return this;
    }

    public Builder stickyMaxAge(Duration d) {
      once(v.stickyMaxAge, "sticky-max-age");
      if (Objects.requireNonNull(d, "sticky-max-age").compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("sticky-max-age: " + Durations.format(d) + " (expected: >= 1s)");
      }
      v.stickyMaxAge = d;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      v.connectTimeout = positive("connect-timeout", once(v.connectTimeout, "connect-timeout", d));
      return this;
    }

    public Builder responseTimeout(Duration d) {
      v.responseTimeout = positive("response-timeout", once(v.responseTimeout, "response-timeout", d));
      return this;
    }

    public Builder idleTimeout(Duration d) {
      v.idleTimeout = positive("idle-timeout", once(v.idleTimeout, "idle-timeout", d));
      return this;
    }

    public Builder headerTimeout(Duration d) {
      v.headerTimeout = positive("header-timeout", once(v.headerTimeout, "header-timeout", d));
      return this;
    }

    public Builder requestBodyTimeout(Duration d) {
      v.requestBodyTimeout = positive("request-body-timeout", once(v.requestBodyTimeout, "request-body-timeout", d));
      return this;
    }

    public Builder requestBodyMinRate(long bytesPerSecond) {
      once(v.requestBodyMinRate, "request-body-min-rate");
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("request-body-min-rate: " + bytesPerSecond + " (expected: >= 0 bytes per second, 0 = a fixed total time)");
      }
      v.requestBodyMinRate = bytesPerSecond;
      return this;
    }

    public Builder maxConnections(int n) {
      once(v.maxConnections, "max-connections");
      if (n < 0) {
        throw new IllegalArgumentException("max-connections: " + n + " (expected: >= 0, 0 = half the file-descriptor limit)");
      }
      v.maxConnections = n;
      return this;
    }

    public Builder backendMaxConnections(int n) {
      once(v.backendMaxConnections, "backend-max-connections");
      if (n < 0) {
        throw new IllegalArgumentException("backend-max-connections: " + n + " (expected: >= 0, 0 = no limit)");
      }
      v.backendMaxConnections = n;
      return this;
    }

    public Builder maxQueue(int n) {
      v.maxQueue = range("max-queue", once(v.maxQueue, "max-queue", n), 0, 1_000_000);
      return this;
    }

    public Builder queueTimeout(Duration d) {
      v.queueTimeout = positive("queue-timeout", once(v.queueTimeout, "queue-timeout", d));
      return this;
    }

    public Builder ioThreads(int n) {
      v.ioThreads = range("io-threads", once(v.ioThreads, "io-threads", n), 0, 1024);
      return this;
    }

    public Builder retries(int n) {
      v.retries = range("retries", once(v.retries, "retries", n), 0, 100);
      return this;
    }

    public Builder maxBodySize(long bytes) {
      once(v.maxBodySize, "max-body-size");
      if (bytes < 0) {
        throw new IllegalArgumentException("max-body-size: " + bytes + " (expected: >= 0, 0 = unlimited)");
      }
      v.maxBodySize = bytes;
      return this;
    }

    public Builder trustedProxies(List<String> cidrs) {
      once(v.trustedProxies, "trusted-proxy");
      cidrs.forEach(Cidr::parse);
      v.trustedProxies = List.copyOf(cidrs);
      return this;
    }

    /** Idle timeout of a WebSocket tunnel: no bytes either way for this long closes both sides (default 1 h). */
    public Builder tunnelIdleTimeout(Duration d) {
      v.tunnelIdleTimeout = positive("tunnel-idle-timeout", once(v.tunnelIdleTimeout, "tunnel-idle-timeout", d));
      return this;
    }

    /** Request trailers to pass to backends (default none); framing, routing, auth and content headers are refused. */
    public Builder forwardedTrailers(List<String> names) {
      v.forwardedTrailers = HeaderPolicy.trailers("forward-trailers", once(v.forwardedTrailers, "forward-trailers", names));
      return this;
    }

    /** Extra request headers removed from untrusted clients, besides the forwarding headers (default none). */
    public Builder stripRequestHeaders(List<String> names) {
      v.stripRequestHeaders = HeaderPolicy.stripped("strip-headers", once(v.stripRequestHeaders, "strip-headers", names));
      return this;
    }

    public Builder poolMaxIdle(int n) {
      v.poolMaxIdle = range("pool-max-idle", once(v.poolMaxIdle, "pool-max-idle", n), 0, 10_000);
      return this;
    }

    public Builder poolIdleTimeout(Duration d) {
      v.poolIdleTimeout = positive("pool-idle-timeout", once(v.poolIdleTimeout, "pool-idle-timeout", d));
      return this;
    }

    public Builder maxRequestLine(int bytes) {
      v.maxRequestLine = range("max-request-line", once(v.maxRequestLine, "max-request-line", bytes), 256, 1 << 20);
      return this;
    }

    public Builder maxHeaderSize(int bytes) {
      v.maxHeaderSize = range("max-header-size", once(v.maxHeaderSize, "max-header-size", bytes), 256, 1 << 20);
      return this;
    }

    public Builder health(HealthCheckSettings settings) {
      v.health = Objects.requireNonNull(once(v.health, "health", settings), "health");
      return this;
    }

    public Builder http2(dev.loadstone.proxy.h2.Http2Settings settings) {
      v.http2 = Objects.requireNonNull(once(v.http2, "http2", settings), "http2");
      return this;
    }

    public Builder slowStart(Duration d) {
      v.slowStart = ConfigChecks.notNegative("slow-start", once(v.slowStart, "slow-start", d));
      return this;
    }

    public Builder drainTimeout(Duration d) {
      v.drainTimeout = positive("drain-timeout", once(v.drainTimeout, "drain-timeout", d));
      return this;
    }

    public Builder shutdownTimeout(Duration d) {
      v.shutdownTimeout = positive("shutdown-timeout", once(v.shutdownTimeout, "shutdown-timeout", d));
      return this;
    }

    public Builder adminTokenFile(Path file) {
      v.adminTokenFile = Objects.requireNonNull(once(v.adminTokenFile, "admin-token-file", file), "admin-token-file");
      return this;
    }

    /** Whether the standalone proxy reloads the config file on change (default true). */
    public Builder watchConfig(boolean on) {
      once(v.watchConfig, "watch-config");
      v.watchConfig = on;
      return this;
    }

    /** Upper bounds of the response-time histogram buckets: 1 to 30, increasing. */
    public Builder latencyBuckets(List<Duration> bounds) {
      once(v.latencyBuckets, "latency-buckets");
      v.latencyBuckets = ConfigChecks.buckets("latency-buckets", new ArrayList<>(bounds));
      return this;
    }

    /** Names whose A and AAAA records are backends, each {@code NAME:PORT} (repeatable {@code --backend-dns}). */
    public Builder backendDns(List<String> specs) {
      once(v.backendDns, "backend-dns");
      v.backendDns = specs.stream().map(dev.loadstone.proxy.discovery.DnsTarget::address).toList();
      return this;
    }

    /** SRV names whose records are backends, each {@code _service._proto.NAME} (repeatable {@code --backend-srv}). */
    public Builder backendSrv(List<String> specs) {
      once(v.backendSrv, "backend-srv");
      v.backendSrv = specs.stream().map(dev.loadstone.proxy.discovery.DnsTarget::srv).toList();
      return this;
    }

    /** The name server discovery asks (default: the system's, from /etc/resolv.conf). */
    public Builder dnsServer(InetSocketAddress address) {
      v.dnsServer = Objects.requireNonNull(once(v.dnsServer, "dns-server", address), "dns-server");
      return this;
    }

    public Builder dnsMinInterval(Duration d) {
      once(v.dnsMinInterval, "dns-min-interval");
      if (Objects.requireNonNull(d, "dns-min-interval").compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("dns-min-interval: " + Durations.format(d) + " (expected: >= 10ms)");
      }
      v.dnsMinInterval = d;
      return this;
    }

    public Builder dnsMaxInterval(Duration d) {
      v.dnsMaxInterval = positive("dns-max-interval", once(v.dnsMaxInterval, "dns-max-interval", d));
      return this;
    }

    /** Turns the scaling advisor on with these settings. */
    public Builder scaling(dev.loadstone.proxy.scaling.ScalingConfig s) {
      v.scaling = Objects.requireNonNull(once(v.scaling, "scaling", s), "scaling");
      return this;
    }

    /** {@code stdout}, {@code off}, or a file to append to (reopened on SIGUSR1). */
    public Builder accessLog(String destination) {
      once(v.accessLog, "access-log");
      if (destination == null || destination.isBlank() || destination.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("access-log: '" + destination + "' (expected: stdout, off or a file name)");
      }
      v.accessLog = destination;
      return this;
    }

    /** {@code text}, {@code json} or a template such as {@code %{client} %{status}}; an unknown placeholder is refused. */
    public Builder accessLogFormat(String format) {
      once(v.accessLogFormat, "access-log-format");
      dev.loadstone.proxy.accesslog.AccessLogFormat.parse(format);
      v.accessLogFormat = format;
      return this;
    }

    /** The header the request id is read from (trusted proxies) and forwarded in; {@code none} turns ids off. */
    public Builder requestIdHeader(String name) {
      if ("none".equals(once(v.requestIdHeader, "request-id-header", Objects.requireNonNull(name, "request-id-header")))) {
        v.requestIdOff = true;
        v.requestIdHeader = "none";
      } else {
        v.requestIdHeader = ValueTypes.headerName("request-id-header", name);
      }
      return this;
    }

    /** Whether responses carry the request id header too (default false). */
    public Builder requestIdResponse(boolean on) {
      once(v.requestIdResponse, "request-id-response");
      v.requestIdResponse = on;
      return this;
    }

    public Builder tls(dev.loadstone.proxy.tls.TlsSettings settings) {
      v.tls = Objects.requireNonNull(once(v.tls, "tls", settings), "tls");
      return this;
    }

    /** Checks the combination and returns an immutable config; this builder is not changed and may go on. */
    public ProxyConfig build() {
      return new ProxyConfig(v.frozen());
    }
  }
}
