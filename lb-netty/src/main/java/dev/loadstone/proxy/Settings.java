package dev.loadstone.proxy;

import static dev.loadstone.proxy.ValueTypes.ADDRESS;
import static dev.loadstone.proxy.ValueTypes.ALGORITHM;
import static dev.loadstone.proxy.ValueTypes.BACKENDS;
import static dev.loadstone.proxy.ValueTypes.BOOLEAN;
import static dev.loadstone.proxy.ValueTypes.CIDR;
import static dev.loadstone.proxy.ValueTypes.DURATION;
import static dev.loadstone.proxy.ValueTypes.HEADER_NAME;
import static dev.loadstone.proxy.ValueTypes.INT;
import static dev.loadstone.proxy.ValueTypes.PATH;
import static dev.loadstone.proxy.ValueTypes.SIZE;
import static dev.loadstone.proxy.ValueTypes.STICKY_KEYS;
import static dev.loadstone.proxy.ValueTypes.STRING;
import static dev.loadstone.proxy.ValueTypes.list;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.proxy.admin.AdminServer;
import dev.loadstone.proxy.h2.Http2Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.function.BiConsumer;

/**
 * Every setting of the standalone proxy, once: the YAML key, the flag, the converter, the default and the
 * help. {@link Flags} builds the picocli options from this table, {@link ConfigFile} reads the YAML keys
 * from it, and {@code SettingsDocTest} checks that the README and examples/proxy.yaml name each one. Adding
 * a setting means one line here plus its {@link ProxyConfigBuilder} method.
 */
final class Settings {
  private Settings() {}

  /** Where the settings' values go while they are read: the config builder and the parts of the health settings. */
  static final class Draft {
    final ProxyConfigBuilder config = ProxyConfig.builder();
    final HealthFlags health = new HealthFlags();
    final dev.loadstone.proxy.tls.TlsSettings.Builder tls = dev.loadstone.proxy.tls.TlsSettings.builder();
    final Http2Settings.Builder http2 = Http2Settings.builder();

    ProxyConfig build() {
      config.health(health.build());
      config.tls(tls.build());
      config.http2(http2.build());
      return config.build();
    }
  }

  private static final HealthCheckSettings HEALTH = HealthCheckSettings.builder().build(); // the documented defaults

  static final List<Setting<?>> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(
      s("listen", "HOST:PORT", ADDRESS, ProxyConfig.DEFAULT_LISTEN, "Address to accept clients on (port 0 = any free port).",
          (d, v) -> d.config.listen(v))
          .shows(ProxyConfig::listen),
      s("backends", "backend", "HOST:PORT[,weight=N][,id=NAME]", BACKENDS, "required",
          "A backend; weight 1..1000 (default 1), id defaults to the address. Repeatable; flags replace the file's list."
              + " Required unless backend-dns or backend-srv names some.",
          (d, v) -> v.forEach(d.config::addBackend))
          .shows(ProxyConfig::backends).live(),
      s("algorithm", "NAME", ALGORITHM, "round-robin",
          "round-robin (weighted when weights differ, as in nginx), least-connections, power-of-two, random or"
              + " consistent-hash (the default when hash-key is set); weighted-round-robin is round-robin.",
          (d, v) -> d.config.algorithm(v))
          .shows(ProxyConfig::algorithm),
      s("hash-key", "SPEC", STRING, "none", "Key for consistent-hash: header:NAME, cookie:NAME, client-ip or path.",
          (d, v) -> d.config.hashKey(v))
          .shows(ProxyConfig::hashKey),
      s("sticky-cookie", "NAME", STRING, "off", "Turn sticky sessions on with this cookie name.",
          (d, v) -> d.config.stickyCookie(v))
          .shows(ProxyConfig::stickyCookie),
      new Setting<>("sticky-keys", null, null, STICKY_KEYS, "none",
          "Cookie signing keys, a sequence of {id, secret} (base64, at least 32 bytes); the last signs, all verify."
              + " YAML only: a secret on a command line is visible to every local user.",
          List.of(), (d, v) -> v.forEach(d.config::addStickyKey))
          .shows(Settings::keyIds),
      new Setting<>("sticky-key-file", "sticky-key-file", "FILE", PATH, "none",
          "Cookie signing keys, lines 'KEY_ID BASE64_SECRET'; the last one signs, all verify."
              + " As a flag it replaces the file's sticky-keys.",
          List.of("sticky-keys"), (d, v) -> ConfigFile.readKeyFile(v).forEach(d.config::addStickyKey)),
      s("sticky-max-age", "DURATION", DURATION, format(ProxyConfig.DEFAULT_STICKY_MAX_AGE),
          "How long a sticky cookie is honoured; also its Max-Age.", (d, v) -> d.config.stickyMaxAge(v))
          .shows(ProxyConfig::stickyMaxAge),
      s("admin", "HOST:PORT", ADDRESS, AdminServer.DEFAULT_ADDRESS.getHostString() + ":" + AdminServer.DEFAULT_ADDRESS.getPort(),
          "Admin API, /metrics and status page address; any other than loopback needs an admin token.",
          (d, v) -> d.config.admin(v))
          .shows(c -> c.admin() == null ? AdminServer.DEFAULT_ADDRESS : c.admin()),
      s("admin-token-file", "FILE", PATH, "none",
          "File with the admin token, needed by mutating calls and on a non-loopback admin by every call"
              + " (else env LOADSTONE_ADMIN_TOKEN, else none).",
          (d, v) -> d.config.adminTokenFile(v))
          .shows(ProxyConfig::adminTokenFile).live(),
      s("health-type", "TYPE", STRING, "http with health-path, else tcp", "Active health checks: http, tcp or none.",
          (d, v) -> d.health.type = v)
          .shows(c -> c.health().type().name().toLowerCase(Locale.ROOT)).live(),
      s("health-path", "PATH", STRING, "/", "HTTP health-check path, e.g. /healthz (passes on 200-399).",
          (d, v) -> d.health.path = v)
          .shows(c -> c.health().type() == HealthCheckSettings.Type.HTTP ? c.health().path() : null).live(),
      s("health-interval", "DURATION", DURATION, format(HEALTH.interval()), "Time between checks, +-10% jitter.", (d, v) -> d.health.interval = v)
          .shows(c -> c.health().interval()).live(),
      s("health-timeout", "DURATION", DURATION, format(HEALTH.timeout()), "Check timeout over connect and response; below health-interval.",
          (d, v) -> d.health.timeout = v)
          .shows(c -> c.health().timeout()).live(),
      s("health-rise", "N", INT, Integer.toString(HEALTH.rise()), "Passing checks that bring a backend UP.", (d, v) -> d.health.rise = v)
          .shows(c -> c.health().rise()).live(),
      s("health-fall", "N", INT, Integer.toString(HEALTH.fall()), "Failing checks that take a backend DOWN.", (d, v) -> d.health.fall = v)
          .shows(c -> c.health().fall()).live(),
      s("slow-start", "DURATION", DURATION, "0s", "Ramp a backend's weight up over this after it comes UP (0s = off).",
          (d, v) -> d.config.slowStart(v))
          .shows(ProxyConfig::slowStart),
      s("drain-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_DRAIN_TIMEOUT),
          "Longest wait for in-flight exchanges of a removed backend.", (d, v) -> d.config.drainTimeout(v))
          .shows(ProxyConfig::drainTimeout).live(),
      s("shutdown-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_SHUTDOWN_TIMEOUT),
          "Longest wait for in-flight exchanges on SIGTERM.", (d, v) -> d.config.shutdownTimeout(v))
          .shows(ProxyConfig::shutdownTimeout).live(),
      s("connect-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_CONNECT_TIMEOUT), "Backend TCP connect timeout.",
          (d, v) -> d.config.connectTimeout(v))
          .shows(ProxyConfig::connectTimeout),
      s("response-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_RESPONSE_TIMEOUT),
          "Wait for backend response headers, per attempt, counted from the end of the request.",
          (d, v) -> d.config.responseTimeout(v))
          .shows(ProxyConfig::responseTimeout),
      s("idle-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_IDLE_TIMEOUT),
          "Close a client connection when no bytes move for this long (not counted while a request waits for its backend).",
          (d, v) -> d.config.idleTimeout(v))
          .shows(ProxyConfig::idleTimeout),
      s("header-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_HEADER_TIMEOUT),
          "A request head must be complete this long after its first byte, else 408; below idle-timeout.",
          (d, v) -> d.config.headerTimeout(v))
          .shows(ProxyConfig::headerTimeout),
      s("tunnel-idle-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_TUNNEL_IDLE_TIMEOUT),
          "Close a WebSocket tunnel with no traffic either way for this long.", (d, v) -> d.config.tunnelIdleTimeout(v))
          .shows(ProxyConfig::tunnelIdleTimeout),
      s("request-body-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_REQUEST_BODY_TIMEOUT),
          "A request body must arrive this long after the proxy starts reading it, plus 1s per request-body-min-rate bytes, else 408.",
          (d, v) -> d.config.requestBodyTimeout(v))
          .shows(ProxyConfig::requestBodyTimeout),
      s("request-body-min-rate", "SIZE", SIZE, Long.toString(ProxyConfig.DEFAULT_REQUEST_BODY_MIN_RATE),
          "Each this many bytes of request body received extend request-body-timeout by 1s (a minimum rate per second; 0 = a fixed total time).",
          (d, v) -> d.config.requestBodyMinRate(v))
          .shows(ProxyConfig::requestBodyMinRate),
      s("max-connections", "N", INT, "0",
          "Client connections open at once; at the limit new ones wait in the accept backlog (0 = half the file-descriptor limit).",
          (d, v) -> d.config.maxConnections(v))
          .shows(ProxyConfig::maxConnections),
      s("backend-max-connections", "N", INT, "0",
          "Requests in flight per backend; when every backend is at it, requests wait in the queue (0 = no limit).",
          (d, v) -> d.config.backendMaxConnections(v))
          .shows(ProxyConfig::backendMaxConnections),
      s("max-queue", "N", INT, "1024", "Requests that may wait for a backend below backend-max-connections; more get 503.",
          (d, v) -> d.config.maxQueue(v))
          .shows(ProxyConfig::maxQueue),
      s("queue-timeout", "DURATION", DURATION, "5s", "Longest wait in that queue, then 503.",
          (d, v) -> d.config.queueTimeout(v))
          .shows(ProxyConfig::queueTimeout),
      s("io-threads", "N", INT, "0",
          "Event loop threads serving clients and backends (0 = one per available processor).",
          (d, v) -> d.config.ioThreads(v))
          .shows(ProxyConfig::ioThreads),
      s("transport", "NAME", STRING, "auto",
          "I/O transport: auto (io_uring where it loads, else epoll, else NIO), epoll, io_uring or nio; the start logs which one serves.",
          (d, v) -> d.config.transport(v))
          .shows(ProxyConfig::transport),
      s("retries", "N", INT, Integer.toString(ProxyConfig.DEFAULT_RETRIES), "Retries on another backend.",
          (d, v) -> d.config.retries(v))
          .shows(ProxyConfig::retries),
      s("max-body-size", "SIZE", SIZE, "0", "Largest request body, e.g. 10m (0 = unlimited), else 413.",
          (d, v) -> d.config.maxBodySize(v))
          .shows(ProxyConfig::maxBodySize),
      s("trusted-proxies", "trusted-proxy", "CIDR", list(CIDR), "none",
          "Keep and extend forwarding headers from this network. Repeatable.", (d, v) -> d.config.trustedProxies(v))
          .shows(ProxyConfig::trustedProxies),
      s("strip-headers", "strip-header", "NAME", list(HEADER_NAME), "none",
          "Also remove this request header from untrusted clients (every X-Forwarded-*, X-Real-IP and Forwarded"
              + " always are). Repeatable.",
          (d, v) -> d.config.stripRequestHeaders(v))
          .shows(ProxyConfig::stripRequestHeaders),
      s("forward-trailers", "forward-trailer", "NAME", list(HEADER_NAME), "none",
          "Pass this request trailer to backends; all others are dropped. Repeatable.",
          (d, v) -> d.config.forwardedTrailers(v))
          .shows(ProxyConfig::forwardedTrailers),
      s("pool-max-idle", "N", INT, Integer.toString(ProxyConfig.DEFAULT_POOL_MAX_IDLE),
          "Idle backend connections kept per backend per event loop.", (d, v) -> d.config.poolMaxIdle(v))
          .shows(ProxyConfig::poolMaxIdle),
      s("pool-idle-timeout", "DURATION", DURATION, format(ProxyConfig.DEFAULT_POOL_IDLE_TIMEOUT),
          "Close idle backend connections after this long.", (d, v) -> d.config.poolIdleTimeout(v))
          .shows(ProxyConfig::poolIdleTimeout),
      s("max-request-line", "BYTES", INT, Integer.toString(ProxyConfig.DEFAULT_MAX_REQUEST_LINE),
          "Longest request line, else 414.", (d, v) -> d.config.maxRequestLine(v))
          .shows(ProxyConfig::maxRequestLine),
      s("max-header-size", "BYTES", INT, Integer.toString(ProxyConfig.DEFAULT_MAX_HEADER_SIZE),
          "Largest request header block, else 431.", (d, v) -> d.config.maxHeaderSize(v))
          .shows(ProxyConfig::maxHeaderSize),
      s("watch-config", "BOOL", BOOLEAN, "true",
          "Reload the config file when it changes (debounced, read whole); false: only on SIGHUP.",
          (d, v) -> d.config.watchConfig(v))
          .shows(ProxyConfig::watchConfig).live(),
      s("latency-buckets", "latency-bucket", "DURATION", list(DURATION), "[5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2500ms, 5s, 10s]",
          "Upper bounds of the response-time histogram buckets (SLO thresholds), increasing. Repeatable.",
          (d, v) -> d.config.latencyBuckets(v))
          .shows(ProxyConfig::latencyBuckets),
      s("backend-dns", "backend-dns", "NAME:PORT", list(STRING), "none",
          "Backends from DNS: every A and AAAA address of NAME, on PORT, re-resolved at the records' TTL. Repeatable.",
          (d, v) -> d.config.backendDns(v))
          .shows(ProxyConfig::backendDns),
      s("backend-srv", "backend-srv", "_SERVICE._PROTO.NAME", list(STRING), "none",
          "Backends from DNS SRV records (port, priority, weight), e.g. _http._tcp.app.internal. Repeatable.",
          (d, v) -> d.config.backendSrv(v))
          .shows(ProxyConfig::backendSrv),
      s("dns-server", "HOST:PORT", ADDRESS, "system (/etc/resolv.conf)",
          "Name server that backend-dns and backend-srv ask.", (d, v) -> d.config.dnsServer(v))
          .shows(ProxyConfig::dnsServer),
      s("dns-min-interval", "DURATION", DURATION, "5s",
          "Shortest time between two lookups of a name (also the retry after a failed or empty answer).",
          (d, v) -> d.config.dnsMinInterval(v))
          .shows(ProxyConfig::dnsMinInterval),
      s("dns-max-interval", "DURATION", DURATION, "5m", "Longest time between two lookups of a name, whatever its TTL.",
          (d, v) -> d.config.dnsMaxInterval(v))
          .shows(ProxyConfig::dnsMaxInterval),
      new Setting<>("scaling", null, null, ScalingYaml.TYPE, "off",
          "The scaling advisor: bounds, rules, schedule, CPU header and hook (a mapping; see Scaling advisor). YAML only.",
          List.of(), (d, v) -> d.config.scaling(v))
          .shows(ProxyConfig::scaling),
      s("access-log", "DEST", STRING, "stdout",
          "Access log destination: stdout, off, or a file (appended; reopened on SIGUSR1 for logrotate).",
          (d, v) -> d.config.accessLog(v))
          .shows(ProxyConfig::accessLog),
      s("access-log-format", "FORMAT", STRING, "text",
          "Access log lines: text (HAProxy httplog style), json (one object per line) or a template of %{name}"
              + " placeholders, e.g. '%{client} %{status} %{duration_ms}'.",
          (d, v) -> d.config.accessLogFormat(v))
          .shows(ProxyConfig::accessLogFormat),
      s("request-id-header", "NAME", STRING, "X-Request-Id",
          "Header carrying the request id to backends; a trusted proxy's valid value is kept, else a new id is"
              + " generated; none turns request ids off.",
          (d, v) -> d.config.requestIdHeader(v))
          .shows(c -> c.requestIdHeader() == null ? "none" : c.requestIdHeader()),
      s("request-id-response", "BOOL", BOOLEAN, "false", "Also send the request id header to the client in each response.",
          (d, v) -> d.config.requestIdResponse(v))
          .shows(ProxyConfig::requestIdResponse)), java.util.stream.Stream.concat(TlsRows.ROWS.stream(), Http2Rows.ROWS.stream())).toList();

  private static final Map<String, Setting<?>> BY_KEY = new LinkedHashMap<>();

  static {
    for (Setting<?> s : ALL) {
      if (BY_KEY.put(s.key, s) != null) {
        throw new IllegalStateException("setting " + s.key + " is declared twice");
      }
    }
    for (Setting<?> s : ALL) {
      if (!s.hasView() && !s.key.equals("sticky-key-file")) { // its keys are shown by sticky-keys
        throw new IllegalStateException("setting " + s.key + " does not say how its value is shown");
      }
      for (String k : s.flagReplaces) {
        if (!BY_KEY.containsKey(k)) {
          throw new IllegalStateException("setting " + s.key + " replaces an unknown key " + k);
        }
      }
    }
  }

  /** The setting with this YAML key, or null. */
  static Setting<?> byKey(String key) {
    return BY_KEY.get(key);
  }

  /** A setting whose flag has the key's name. */
  static <T> Setting<T> s(String key, String label, ValueType<T> type, String dflt, String help,
      BiConsumer<Draft, T> apply) {
    return new Setting<>(key, key, label, type, dflt, help, List.of(), apply);
  }

  /** A setting whose (repeatable) flag is named differently from its YAML key ({@code backend} / {@code backends}). */
  static <T> Setting<T> s(String key, String flag, String label, ValueType<T> type, String dflt, String help,
      BiConsumer<Draft, T> apply) {
    return new Setting<>(key, flag, label, type, dflt, help, List.of(), apply);
  }

  /** Signing key ids with a short SHA-256 fingerprint of each secret (never the secret): {@code k1#3f2a9c1e}. */
  static String keyIds(ProxyConfig c) {
    return c.stickyKeys().isEmpty() ? null : c.stickyKeys().entrySet().stream().map(e -> e.getKey() + "#" + fingerprint(e.getValue())).collect(Collectors.joining(" "));
  }

  private static String fingerprint(byte[] secret) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(secret);
      return java.util.HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String format(Duration d) {
    return Durations.format(d);
  }
}
