package dev.loadstone.proxy;

import static dev.loadstone.proxy.ConfigChecks.once;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.lb.Backend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy's settings, immutable. Build one with {@link #builder()}, or read a YAML file with {@link
 * #load(Path)} (the keys are the long flag names, e.g. {@code connect-timeout: 2s}; see
 * {@code examples/proxy.yaml}). The values live in {@link ConfigValues}; defaults and the rules over several
 * settings are applied by {@link ProxyConfigBuilder#build()}.
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

  private final ConfigValues v; // a private copy made by ProxyConfigBuilder#build() with every default filled in; never changed

  ProxyConfig(ConfigValues frozen) { // made by ProxyConfigBuilder#build()
    this.v = frozen;
  }

  public static ProxyConfigBuilder builder() {
    return new ProxyConfigBuilder();
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
  /** {@code auto} (io_uring where it loads, else epoll, else NIO), {@code epoll}, {@code io_uring} or {@code nio}. */
  public String transport() { return v.transport; }

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
}
