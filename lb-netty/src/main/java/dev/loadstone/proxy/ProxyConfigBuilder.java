package dev.loadstone.proxy;

import static dev.loadstone.proxy.ConfigChecks.atLeast;
import static dev.loadstone.proxy.ConfigChecks.notNegative;
import static dev.loadstone.proxy.ConfigChecks.once;
import static dev.loadstone.proxy.ConfigChecks.positive;
import static dev.loadstone.proxy.ConfigChecks.range;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.lb.Backend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link ProxyConfig} ({@link ProxyConfig#builder()}). Each option may be set once (a second call
 * throws); {@link #build()} checks the combination ({@link ConfigRules}).
 */
public final class ProxyConfigBuilder {
  private final ConfigValues v = new ConfigValues();

  ProxyConfigBuilder() {}

  public ProxyConfigBuilder listen(InetSocketAddress address) {
    v.listen = Objects.requireNonNull(once(v.listen, "listen", address), "listen");
    return this;
  }

  public ProxyConfigBuilder listen(String hostPort) {
    return listen(Addresses.parse("listen", hostPort));
  }

  public ProxyConfigBuilder admin(InetSocketAddress address) {
    v.admin = Objects.requireNonNull(once(v.admin, "admin", address), "admin");
    return this;
  }

  public ProxyConfigBuilder addBackend(Backend backend) {
    v.backends.add(Objects.requireNonNull(backend, "backend"));
    return this;
  }

  /** {@code host:port}, optionally followed by {@code ,weight=N} and {@code ,id=NAME}. */
  public ProxyConfigBuilder addBackend(String spec) {
    return addBackend(BackendSpec.parse(spec));
  }

  public ProxyConfigBuilder algorithm(Algorithm a) {
    v.algorithm = Objects.requireNonNull(once(v.algorithm, "algorithm", a), "algorithm");
    return this;
  }

  public ProxyConfigBuilder hashKey(String spec) {
    once(v.hashKey, "hash-key");
    v.hashKey = HashKey.parse(spec).toString();
    return this;
  }

  public ProxyConfigBuilder stickyCookie(String name) {
    once(v.stickyCookie, "sticky-cookie");
    if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
      throw new IllegalArgumentException("sticky-cookie: '" + name + "' (expected: a cookie name token, e.g. LB_STICKY)");
    }
    v.stickyCookie = name;
    return this;
  }

  /** Adds a cookie signing key (at least 32 bytes); the last one added signs new cookies, all verify. */
  public ProxyConfigBuilder addStickyKey(String keyId, byte[] secret) {
    v.addStickyKey(keyId, secret);
    return this;
  }

  public ProxyConfigBuilder stickyMaxAge(Duration d) {
    v.stickyMaxAge = atLeast("sticky-max-age", once(v.stickyMaxAge, "sticky-max-age", d), Duration.ofSeconds(1));
    return this;
  }

  public ProxyConfigBuilder connectTimeout(Duration d) {
    v.connectTimeout = positive("connect-timeout", once(v.connectTimeout, "connect-timeout", d));
    return this;
  }

  public ProxyConfigBuilder responseTimeout(Duration d) {
    v.responseTimeout = positive("response-timeout", once(v.responseTimeout, "response-timeout", d));
    return this;
  }

  public ProxyConfigBuilder idleTimeout(Duration d) {
    v.idleTimeout = positive("idle-timeout", once(v.idleTimeout, "idle-timeout", d));
    return this;
  }

  public ProxyConfigBuilder headerTimeout(Duration d) {
    v.headerTimeout = positive("header-timeout", once(v.headerTimeout, "header-timeout", d));
    return this;
  }

  public ProxyConfigBuilder requestBodyTimeout(Duration d) {
    v.requestBodyTimeout = positive("request-body-timeout", once(v.requestBodyTimeout, "request-body-timeout", d));
    return this;
  }

  public ProxyConfigBuilder requestBodyMinRate(long bytesPerSecond) {
    v.requestBodyMinRate = notNegative("request-body-min-rate", once(v.requestBodyMinRate, "request-body-min-rate", bytesPerSecond), " bytes per second, 0 = a fixed total time");
    return this;
  }

  public ProxyConfigBuilder maxConnections(int n) {
    v.maxConnections = notNegative("max-connections", once(v.maxConnections, "max-connections", n), ", 0 = half the file-descriptor limit");
    return this;
  }

  public ProxyConfigBuilder backendMaxConnections(int n) {
    v.backendMaxConnections = notNegative("backend-max-connections", once(v.backendMaxConnections, "backend-max-connections", n), ", 0 = no limit");
    return this;
  }

  public ProxyConfigBuilder maxQueue(int n) {
    v.maxQueue = range("max-queue", once(v.maxQueue, "max-queue", n), 0, 1_000_000);
    return this;
  }

  public ProxyConfigBuilder queueTimeout(Duration d) {
    v.queueTimeout = positive("queue-timeout", once(v.queueTimeout, "queue-timeout", d));
    return this;
  }

  public ProxyConfigBuilder ioThreads(int n) {
    v.ioThreads = range("io-threads", once(v.ioThreads, "io-threads", n), 0, 1024);
    return this;
  }

  public ProxyConfigBuilder retries(int n) {
    v.retries = range("retries", once(v.retries, "retries", n), 0, 100);
    return this;
  }

  public ProxyConfigBuilder maxBodySize(long bytes) {
    v.maxBodySize = notNegative("max-body-size", once(v.maxBodySize, "max-body-size", bytes), ", 0 = unlimited");
    return this;
  }

  public ProxyConfigBuilder trustedProxies(List<String> cidrs) {
    once(v.trustedProxies, "trusted-proxy");
    cidrs.forEach(Cidr::parse);
    v.trustedProxies = List.copyOf(cidrs);
    return this;
  }

  /** Idle timeout of a WebSocket tunnel: no bytes either way for this long closes both sides (default 1 h). */
  public ProxyConfigBuilder tunnelIdleTimeout(Duration d) {
    v.tunnelIdleTimeout = positive("tunnel-idle-timeout", once(v.tunnelIdleTimeout, "tunnel-idle-timeout", d));
    return this;
  }

  /** Request trailers to pass to backends (default none); framing, routing, auth and content headers are refused. */
  public ProxyConfigBuilder forwardedTrailers(List<String> names) {
    v.forwardedTrailers = HeaderPolicy.trailers("forward-trailers", once(v.forwardedTrailers, "forward-trailers", names));
    return this;
  }

  /** Extra request headers removed from untrusted clients, besides the forwarding headers (default none). */
  public ProxyConfigBuilder stripRequestHeaders(List<String> names) {
    v.stripRequestHeaders = HeaderPolicy.stripped("strip-headers", once(v.stripRequestHeaders, "strip-headers", names));
    return this;
  }

  public ProxyConfigBuilder poolMaxIdle(int n) {
    v.poolMaxIdle = range("pool-max-idle", once(v.poolMaxIdle, "pool-max-idle", n), 0, 10_000);
    return this;
  }

  public ProxyConfigBuilder poolIdleTimeout(Duration d) {
    v.poolIdleTimeout = positive("pool-idle-timeout", once(v.poolIdleTimeout, "pool-idle-timeout", d));
    return this;
  }

  public ProxyConfigBuilder maxRequestLine(int bytes) {
    v.maxRequestLine = range("max-request-line", once(v.maxRequestLine, "max-request-line", bytes), 256, 1 << 20);
    return this;
  }

  public ProxyConfigBuilder maxHeaderSize(int bytes) {
    v.maxHeaderSize = range("max-header-size", once(v.maxHeaderSize, "max-header-size", bytes), 256, 1 << 20);
    return this;
  }

  public ProxyConfigBuilder health(HealthCheckSettings settings) {
    v.health = Objects.requireNonNull(once(v.health, "health", settings), "health");
    return this;
  }

  public ProxyConfigBuilder http2(dev.loadstone.proxy.h2.Http2Settings settings) {
    v.http2 = Objects.requireNonNull(once(v.http2, "http2", settings), "http2");
    return this;
  }

  public ProxyConfigBuilder slowStart(Duration d) {
    v.slowStart = ConfigChecks.notNegative("slow-start", once(v.slowStart, "slow-start", d));
    return this;
  }

  public ProxyConfigBuilder drainTimeout(Duration d) {
    v.drainTimeout = positive("drain-timeout", once(v.drainTimeout, "drain-timeout", d));
    return this;
  }

  public ProxyConfigBuilder shutdownTimeout(Duration d) {
    v.shutdownTimeout = positive("shutdown-timeout", once(v.shutdownTimeout, "shutdown-timeout", d));
    return this;
  }

  public ProxyConfigBuilder adminTokenFile(Path file) {
    v.adminTokenFile = Objects.requireNonNull(once(v.adminTokenFile, "admin-token-file", file), "admin-token-file");
    return this;
  }

  /** Whether the standalone proxy reloads the config file on change (default true). */
  public ProxyConfigBuilder watchConfig(boolean on) {
    once(v.watchConfig, "watch-config");
    v.watchConfig = on;
    return this;
  }

  /** Upper bounds of the response-time histogram buckets: 1 to 30, increasing. */
  public ProxyConfigBuilder latencyBuckets(List<Duration> bounds) {
    once(v.latencyBuckets, "latency-buckets");
    v.latencyBuckets = ConfigChecks.buckets("latency-buckets", new ArrayList<>(bounds));
    return this;
  }

  /** Names whose A and AAAA records are backends, each {@code NAME:PORT} (repeatable {@code --backend-dns}). */
  public ProxyConfigBuilder backendDns(List<String> specs) {
    once(v.backendDns, "backend-dns");
    v.backendDns = specs.stream().map(dev.loadstone.proxy.discovery.DnsTarget::address).toList();
    return this;
  }

  /** SRV names whose records are backends, each {@code _service._proto.NAME} (repeatable {@code --backend-srv}). */
  public ProxyConfigBuilder backendSrv(List<String> specs) {
    once(v.backendSrv, "backend-srv");
    v.backendSrv = specs.stream().map(dev.loadstone.proxy.discovery.DnsTarget::srv).toList();
    return this;
  }

  /** The name server discovery asks (default: the system's, from /etc/resolv.conf). */
  public ProxyConfigBuilder dnsServer(InetSocketAddress address) {
    v.dnsServer = Objects.requireNonNull(once(v.dnsServer, "dns-server", address), "dns-server");
    return this;
  }

  public ProxyConfigBuilder dnsMinInterval(Duration d) {
    v.dnsMinInterval = atLeast("dns-min-interval", once(v.dnsMinInterval, "dns-min-interval", d), Duration.ofMillis(10));
    return this;
  }

  public ProxyConfigBuilder dnsMaxInterval(Duration d) {
    v.dnsMaxInterval = positive("dns-max-interval", once(v.dnsMaxInterval, "dns-max-interval", d));
    return this;
  }

  /** Turns the scaling advisor on with these settings. */
  public ProxyConfigBuilder scaling(dev.loadstone.proxy.scaling.ScalingConfig s) {
    v.scaling = Objects.requireNonNull(once(v.scaling, "scaling", s), "scaling");
    return this;
  }

  /** {@code stdout}, {@code off}, or a file to append to (reopened on SIGUSR1). */
  public ProxyConfigBuilder accessLog(String destination) {
    once(v.accessLog, "access-log");
    if (destination == null || destination.isBlank() || destination.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("access-log: '" + destination + "' (expected: stdout, off or a file name)");
    }
    v.accessLog = destination;
    return this;
  }

  /** The I/O transport: {@code auto}, {@code epoll}, {@code io_uring} or {@code nio} (see {@link Transport}). */
  public ProxyConfigBuilder transport(String name) {
    once(v.transport, "transport");
    v.transport = Transport.Kind.parse(name).text;
    return this;
  }

  /** {@code text}, {@code json} or a template such as {@code %{client} %{status}}; an unknown placeholder is refused. */
  public ProxyConfigBuilder accessLogFormat(String format) {
    once(v.accessLogFormat, "access-log-format");
    dev.loadstone.proxy.accesslog.AccessLogFormat.parse(format);
    v.accessLogFormat = format;
    return this;
  }

  /** The header the request id is read from (trusted proxies) and forwarded in; {@code none} turns ids off. */
  public ProxyConfigBuilder requestIdHeader(String name) {
    if ("none".equals(once(v.requestIdHeader, "request-id-header", Objects.requireNonNull(name, "request-id-header")))) {
      v.requestIdOff = true;
      v.requestIdHeader = "none";
    } else {
      v.requestIdHeader = ValueTypes.headerName("request-id-header", name);
    }
    return this;
  }

  /** Whether responses carry the request id header too (default false). */
  public ProxyConfigBuilder requestIdResponse(boolean on) {
    once(v.requestIdResponse, "request-id-response");
    v.requestIdResponse = on;
    return this;
  }

  public ProxyConfigBuilder tls(dev.loadstone.proxy.tls.TlsSettings settings) {
    v.tls = Objects.requireNonNull(once(v.tls, "tls", settings), "tls");
    return this;
  }

  /** Checks the combination and returns an immutable config; this builder is not changed and may go on. */
  public ProxyConfig build() {
    return new ProxyConfig(v.frozen());
  }
}
