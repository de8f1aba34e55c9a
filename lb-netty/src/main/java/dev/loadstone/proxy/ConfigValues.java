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

/**
 * The fields behind {@link ProxyConfig}: filled in by its builder (null = not set), then copied by {@link
 * #frozen()} with every default applied and the rules over several settings checked ({@link ConfigRules}).
 * A frozen copy is never changed.
 */
final class ConfigValues {
  InetSocketAddress listen;
  InetSocketAddress admin;
  List<Backend> backends = new ArrayList<>();
  Algorithm algorithm;
  String hashKey;
  String stickyCookie;
  Map<String, byte[]> stickyKeys = new LinkedHashMap<>();
  Duration stickyMaxAge;
  Duration connectTimeout;
  Duration responseTimeout;
  Duration idleTimeout;
  Duration headerTimeout;
  Integer retries;
  Integer ioThreads;
  Integer maxConnections;
  Integer backendMaxConnections;
  Integer maxQueue;
  Duration queueTimeout;
  Duration requestBodyTimeout;
  Long requestBodyMinRate;
  Long maxBodySize;
  List<String> trustedProxies;
  Duration tunnelIdleTimeout;
  List<String> forwardedTrailers;
  List<String> stripRequestHeaders;
  Integer poolMaxIdle;
  Duration poolIdleTimeout;
  Integer maxRequestLine;
  Integer maxHeaderSize;
  HealthCheckSettings health;
  dev.loadstone.proxy.h2.Http2Settings http2;
  Duration slowStart;
  Duration drainTimeout;
  Duration shutdownTimeout;
  Path adminTokenFile;
  Boolean watchConfig;
  List<Duration> latencyBuckets;
  List<dev.loadstone.proxy.discovery.DnsTarget> backendDns;
  List<dev.loadstone.proxy.discovery.DnsTarget> backendSrv;
  InetSocketAddress dnsServer;
  Duration dnsMinInterval;
  Duration dnsMaxInterval;
  dev.loadstone.proxy.discovery.DiscoverySettings discovery; // frozen only: null without a DNS target
  dev.loadstone.proxy.scaling.ScalingConfig scaling;
  String accessLog;
  String accessLogFormat;
  String transport;
  String requestIdHeader;
  boolean requestIdOff;
  Boolean requestIdResponse;
  dev.loadstone.proxy.tls.TlsSettings tls;

  void addStickyKey(String keyId, byte[] secret) {
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
  }

  /** A copy with every default filled in, after checking the rules over several settings. */
  ConfigValues frozen() {
    ConfigValues f = new ConfigValues();
    f.listen = listen == null ? Addresses.parse("listen", ProxyConfig.DEFAULT_LISTEN) : listen;
    f.admin = admin;
    f.backends = List.copyOf(backends);
    f.hashKey = hashKey;
    f.algorithm = algorithm != null ? algorithm : hashKey != null ? Algorithm.CONSISTENT_HASH : Algorithm.ROUND_ROBIN;
    f.stickyCookie = stickyCookie;
    Map<String, byte[]> keys = new LinkedHashMap<>();
    stickyKeys.forEach((k, secret) -> keys.put(k, secret.clone()));
    f.stickyKeys = Collections.unmodifiableMap(keys);
    f.stickyMaxAge = or(stickyMaxAge, ProxyConfig.DEFAULT_STICKY_MAX_AGE);
    f.connectTimeout = or(connectTimeout, ProxyConfig.DEFAULT_CONNECT_TIMEOUT);
    f.responseTimeout = or(responseTimeout, ProxyConfig.DEFAULT_RESPONSE_TIMEOUT);
    f.idleTimeout = or(idleTimeout, ProxyConfig.DEFAULT_IDLE_TIMEOUT);
    f.headerTimeout = or(headerTimeout, ProxyConfig.DEFAULT_HEADER_TIMEOUT);
    f.tunnelIdleTimeout = or(tunnelIdleTimeout, ProxyConfig.DEFAULT_TUNNEL_IDLE_TIMEOUT);
    f.retries = or(retries, ProxyConfig.DEFAULT_RETRIES);
    f.ioThreads = or(ioThreads, 0);
    f.maxConnections = or(maxConnections, 0);
    f.backendMaxConnections = or(backendMaxConnections, 0);
    f.maxQueue = or(maxQueue, 1024);
    f.queueTimeout = or(queueTimeout, java.time.Duration.ofSeconds(5));
    f.requestBodyTimeout = or(requestBodyTimeout, ProxyConfig.DEFAULT_REQUEST_BODY_TIMEOUT);
    f.requestBodyMinRate = or(requestBodyMinRate, ProxyConfig.DEFAULT_REQUEST_BODY_MIN_RATE);
    f.maxBodySize = or(maxBodySize, 0L);
    f.trustedProxies = or(trustedProxies, List.of());
    f.forwardedTrailers = or(forwardedTrailers, List.of());
    f.stripRequestHeaders = or(stripRequestHeaders, List.of());
    f.poolMaxIdle = or(poolMaxIdle, ProxyConfig.DEFAULT_POOL_MAX_IDLE);
    f.poolIdleTimeout = or(poolIdleTimeout, ProxyConfig.DEFAULT_POOL_IDLE_TIMEOUT);
    f.maxRequestLine = or(maxRequestLine, ProxyConfig.DEFAULT_MAX_REQUEST_LINE);
    f.maxHeaderSize = or(maxHeaderSize, ProxyConfig.DEFAULT_MAX_HEADER_SIZE);
    f.health = health == null ? HealthCheckSettings.builder().type(HealthCheckSettings.Type.TCP).build() : health;
    f.slowStart = or(slowStart, Duration.ZERO);
    f.http2 = http2 == null ? dev.loadstone.proxy.h2.Http2Settings.defaults() : http2;
    f.drainTimeout = or(drainTimeout, ProxyConfig.DEFAULT_DRAIN_TIMEOUT);
    f.shutdownTimeout = or(shutdownTimeout, ProxyConfig.DEFAULT_SHUTDOWN_TIMEOUT);
    f.adminTokenFile = adminTokenFile;
    f.watchConfig = or(watchConfig, true);
    f.latencyBuckets = or(latencyBuckets, ProxyConfig.DEFAULT_LATENCY_BUCKETS);
    List<dev.loadstone.proxy.discovery.DnsTarget> targets = new ArrayList<>(or(backendDns, List.of()));
    targets.addAll(or(backendSrv, List.of()));
    f.backendDns = or(backendDns, List.of());
    f.backendSrv = or(backendSrv, List.of());
    f.dnsServer = dnsServer;
    f.dnsMinInterval = or(dnsMinInterval, dev.loadstone.proxy.discovery.DiscoverySettings.DEFAULT_MIN_INTERVAL);
    f.dnsMaxInterval = or(dnsMaxInterval, dev.loadstone.proxy.discovery.DiscoverySettings.DEFAULT_MAX_INTERVAL);
    if (dnsMaxInterval != null && f.dnsMaxInterval.compareTo(f.dnsMinInterval) < 0) {
      throw new IllegalArgumentException("dns-max-interval: " + Durations.format(f.dnsMaxInterval)
          + " (expected: at least dns-min-interval " + Durations.format(f.dnsMinInterval) + ")");
    }
    f.discovery = targets.isEmpty() ? null : new dev.loadstone.proxy.discovery.DiscoverySettings(targets, f.dnsServer,
        f.dnsMinInterval, f.dnsMaxInterval.compareTo(f.dnsMinInterval) < 0 ? f.dnsMinInterval : f.dnsMaxInterval,
        dev.loadstone.proxy.discovery.DiscoverySettings.DEFAULT_QUERY_TIMEOUT);
    f.scaling = scaling;
    ConfigRules.check(f.backends, f.discovery != null, f.algorithm, f.hashKey, f.listen, f.admin, headerTimeout, f.idleTimeout);
    f.accessLog = or(accessLog, "stdout");
    f.accessLogFormat = or(accessLogFormat, "text");
    f.transport = or(transport, "auto");
    f.requestIdHeader = requestIdOff ? null : or(requestIdHeader, ProxyConfig.DEFAULT_REQUEST_ID_HEADER);
    f.requestIdOff = requestIdOff;
    f.requestIdResponse = or(requestIdResponse, false);
    f.tls = or(tls, dev.loadstone.proxy.tls.TlsSettings.OFF);
    return f;
  }

  private static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }
}
