package dev.loadstone.session.redis;

import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.redis.RedisSessionStore.NearCacheValidation;
import io.lettuce.core.RedisURI;
import io.lettuce.core.event.command.CommandListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Builds a {@link RedisSessionStore}; each option may be set once. */
public final class RedisSessionStoreBuilder {
  private SessionFactory factory;
  private String uri;
  private List<String> clusterSeeds;
  private String username;
  private char[] password;
  private Duration commandTimeout;
  private Duration connectTimeout;
  private Duration maxReconnectDelay;
  private Duration topologyRefreshPeriod;
  private Duration movedGracePeriod;
  private Long nearCacheSize;
  private Duration nearCacheTtl;
  private NearCacheValidation nearCacheValidation;
  private CommandListener commandListener;
  private String keyPrefix;
  private Duration expirySweepInterval;
  private Duration expiredRetention;

  RedisSessionStoreBuilder() {}

  private static void once(Object current, String option) {
    if (current != null) {
      throw new IllegalStateException(option + " was already set");
    }
  }

  /** Clock, ids, codec, timeouts and metrics; default {@link SessionFactory#defaults()}. */
  public RedisSessionStoreBuilder sessions(SessionFactory factory) {
    once(this.factory, "sessions");
    this.factory = Objects.requireNonNull(factory, "factory");
    return this;
  }

  /**
   * A standalone or Sentinel-managed Redis: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for
   * TLS, or {@code redis-sentinel://host1:26379,host2:26379/0#mymaster}.
   */
  public RedisSessionStoreBuilder uri(String uri) {
    once(this.uri, "uri");
    if (clusterSeeds != null) {
      throw new IllegalStateException("uri and clusterSeeds are exclusive (clusterSeeds was already set)");
    }
    checkUri(Objects.requireNonNull(uri, "uri"));
    this.uri = uri;
    return this;
  }

  /** A Redis Cluster, given some of its nodes as {@code redis://host:port} (or {@code rediss://}). */
  public RedisSessionStoreBuilder clusterSeeds(List<String> seeds) {
    once(this.clusterSeeds, "clusterSeeds");
    if (uri != null) {
      throw new IllegalStateException("uri and clusterSeeds are exclusive (uri was already set)");
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("clusterSeeds: [] (expected: at least one redis://host:port)");
    }
    for (String s : seeds) {
      if (!(s.startsWith("redis://") || s.startsWith("rediss://"))) {
        throw new IllegalArgumentException("clusterSeeds: " + s + " (expected: redis://host:port or rediss://host:port)");
      }
      RedisURI.create(s);
    }
    this.clusterSeeds = List.copyOf(seeds);
    return this;
  }

  /** ACL user and password (overrides any in the URI); {@code username} may be null for the default user. */
  public RedisSessionStoreBuilder credentials(String username, char[] password) {
    once(this.password, "credentials");
    this.username = username;
    this.password = Objects.requireNonNull(password, "password").clone();
    return this;
  }

  /** Every command fails with {@link SessionStoreUnavailableException} after this; default 500 ms. */
  public RedisSessionStoreBuilder commandTimeout(Duration timeout) {
    once(this.commandTimeout, "commandTimeout");
    this.commandTimeout = positive("commandTimeout", timeout);
    return this;
  }

  /** TCP connect and handshake timeout; default 2 s (a refused connection fails at once regardless). */
  public RedisSessionStoreBuilder connectTimeout(Duration timeout) {
    once(this.connectTimeout, "connectTimeout");
    this.connectTimeout = positive("connectTimeout", timeout);
    return this;
  }

  /** Upper bound of the exponential reconnect back-off; default 1 s. */
  public RedisSessionStoreBuilder maxReconnectDelay(Duration delay) {
    once(this.maxReconnectDelay, "maxReconnectDelay");
    this.maxReconnectDelay = positive("maxReconnectDelay", delay);
    return this;
  }

  /** Cluster only: periodic topology refresh (redirects and reconnects also trigger one); default 10 s. */
  public RedisSessionStoreBuilder topologyRefreshPeriod(Duration period) {
    once(this.topologyRefreshPeriod, "topologyRefreshPeriod");
    this.topologyRefreshPeriod = positive("topologyRefreshPeriod", period);
    return this;
  }

  /**
   * How long, after an id change, a request that loaded the session under its old id can still save into it;
   * default 10 s. (The old id never loads anything after the change.)
   */
  public RedisSessionStoreBuilder movedGracePeriod(Duration grace) {
    once(this.movedGracePeriod, "movedGracePeriod");
    this.movedGracePeriod = positive("movedGracePeriod", grace);
    return this;
  }

  /** Keeps up to {@code maximumSize} recently loaded sessions in local memory (see {@link NearCacheValidation}). */
  public RedisSessionStoreBuilder nearCache(long maximumSize) {
    once(this.nearCacheSize, "nearCache");
    if (maximumSize < 1) {
      throw new IllegalArgumentException("nearCache: " + maximumSize + " (expected: >= 1)");
    }
    this.nearCacheSize = maximumSize;
    return this;
  }

  /** How long a near-cache entry lives at most, whatever the invalidations; default 10 s. */
  public RedisSessionStoreBuilder nearCacheTtl(Duration ttl) {
    once(this.nearCacheTtl, "nearCacheTtl");
    this.nearCacheTtl = positive("nearCacheTtl", ttl);
    return this;
  }

  /** Default {@link NearCacheValidation#TRACKING} (standalone/Sentinel) or VERSION_CHECK (Cluster). */
  public RedisSessionStoreBuilder nearCacheValidation(NearCacheValidation validation) {
    once(this.nearCacheValidation, "nearCacheValidation");
    this.nearCacheValidation = Objects.requireNonNull(validation, "validation");
    return this;
  }

  /** Observes every Redis command (used by tests and benchmarks to count round trips). */
  public RedisSessionStoreBuilder commandListener(CommandListener listener) {
    once(this.commandListener, "commandListener");
    this.commandListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** The prefix of every key this store writes; default {@code loadstone:} (several applications, one Redis). */
  public RedisSessionStoreBuilder keyPrefix(String prefix) {
    once(this.keyPrefix, "keyPrefix");
    Keys.checkPrefix(prefix);
    this.keyPrefix = prefix;
    return this;
  }

  /**
   * How often expired sessions are looked for (each node, while it has a listener); default 10 s.
   */
  public RedisSessionStoreBuilder expirySweepInterval(Duration interval) {
    once(this.expirySweepInterval, "expirySweepInterval");
    this.expirySweepInterval = positive("expirySweepInterval", interval);
    return this;
  }

  /**
   * How long an expired session's hash stays in Redis for the sweep to report it (nothing loads it); default 5
   * minutes. An expiry not swept within it is not reported.
   */
  public RedisSessionStoreBuilder expiredRetention(Duration retention) {
    once(this.expiredRetention, "expiredRetention");
    this.expiredRetention = positive("expiredRetention", retention);
    return this;
  }

  static void checkUri(String uri) {
    if (!(uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://")
        || uri.startsWith("rediss-sentinel://"))) {
      throw new IllegalArgumentException("uri: " + uri + " (expected: redis://, rediss:// or redis-sentinel://)");
    }
    RedisURI.create(uri); // validates the rest
  }

  private static Duration positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
    }
    return d;
  }

  public RedisSessionStore build() {
    if (uri == null && clusterSeeds == null) {
      throw new IllegalStateException("neither uri nor clusterSeeds was set (expected: one of them)");
    }
    if (clusterSeeds != null && nearCacheValidation == NearCacheValidation.TRACKING) {
      throw new IllegalStateException("nearCacheValidation: TRACKING (expected: VERSION_CHECK with clusterSeeds)");
    }
    if (nearCacheSize == null && (nearCacheTtl != null || nearCacheValidation != null)) {
      throw new IllegalStateException("nearCacheTtl/nearCacheValidation given without nearCache(maximumSize)");
    }
    return new DefaultRedisSessionStore(this);
  }

  SessionFactory factory() {
    return factory != null ? factory : SessionFactory.defaults();
  }

  Duration grace() {
    return movedGracePeriod != null ? movedGracePeriod : Duration.ofSeconds(10);
  }

  Duration retention() {
    return expiredRetention != null ? expiredRetention : Duration.ofMinutes(5);
  }

  Duration sweepInterval() {
    return expirySweepInterval != null ? expirySweepInterval : Duration.ofSeconds(10);
  }

  String keyPrefix() {
    return keyPrefix != null ? keyPrefix : "loadstone:";
  }

  boolean cluster() {
    return clusterSeeds != null;
  }

  boolean tracking() {
    return nearCacheSize != null && nearCacheValidation != NearCacheValidation.VERSION_CHECK && clusterSeeds == null;
  }

  Long nearCacheSize() {
    return nearCacheSize;
  }

  Duration nearCacheTtl() {
    return nearCacheTtl != null ? nearCacheTtl : Duration.ofSeconds(10);
  }

  RedisConnection.Settings connection() {
    return new RedisConnection.Settings(uri, clusterSeeds, username, password,
        commandTimeout != null ? commandTimeout : Duration.ofMillis(500),
        connectTimeout != null ? connectTimeout : Duration.ofSeconds(2),
        maxReconnectDelay != null ? maxReconnectDelay : Duration.ofSeconds(1),
        topologyRefreshPeriod != null ? topologyRefreshPeriod : Duration.ofSeconds(10), tracking(), commandListener);
  }
}
