package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.accesslog.AccessLog;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;

/** What every connection of one proxy shares; immutable after start except the draining flag. */
final class ProxyContext {
  final ProxyConfig config;
  final BackendPool pool;
  final Listeners listeners;
  final RequestHeaderPolicy requestHeaders;
  final HashKey hashKey;
  final String stickyCookie;
  final String stickyCookieAttributes;
  /** Null when the access log is off. */
  final AccessLog accessLog;
  final RequestIds requestIds;
  private final Map<EventExecutor, BackendConnections> connections;
  volatile boolean draining;
  /** Exchanges waiting for a backend below backend-max-connections; null when there is no such limit. */
  final BackendQueue queue;
  /** The CPU reports read from response heads (scaling.cpu-header), or null when none is configured. */
  final dev.loadstone.proxy.scaling.LoadReports loadReports;

  ProxyContext(ProxyConfig config, BackendPool pool, Listeners listeners, RequestHeaderPolicy requestHeaders,
      Map<EventExecutor, BackendConnections> connections, AccessLog accessLog) {
    this.config = config;
    this.pool = pool;
    this.listeners = listeners;
    this.requestHeaders = requestHeaders;
    this.hashKey = config.hashKey() == null ? null : HashKey.parse(config.hashKey());
    this.stickyCookie = config.stickyCookie();
    long maxAge = config.stickyMaxAge().getSeconds();
    this.stickyCookieAttributes = "; Path=/" + (maxAge > 0 ? "; Max-Age=" + maxAge : "") + "; HttpOnly; SameSite=Lax";
    this.connections = new IdentityHashMap<>(connections);
    this.queue = config.backendMaxConnections() > 0 ? new BackendQueue(config.maxQueue(), config.backendMaxConnections()) : null;
    this.loadReports = config.scaling() == null || config.scaling().cpuHeader() == null ? null
        : new dev.loadstone.proxy.scaling.LoadReports(config.scaling().cpuHeader(), config.scaling().interval().multipliedBy(6));
    this.accessLog = accessLog;
    this.requestIds = new RequestIds(config.requestIdHeader(), config.requestIdResponse());
  }

  BackendConnections connections(EventLoop loop) {
    return connections.get(loop);
  }

  Iterable<BackendConnections> allConnections() {
    return connections.values();
  }
}
