package dev.loadstone.session.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** store=redis (and the Redis of token revocation and spill): the connection is spring.data.redis.*. */
public class RedisSessionProperties {
  /** Prefix of every key written, so several applications can share one Redis. */
  private String keyPrefix = "loadstone:";

  /** Timeout of each Redis command; default spring.data.redis.timeout when set, else 500ms. */
  private Duration commandTimeout;

  /** Connect timeout; default spring.data.redis.connect-timeout when set, else 2s. */
  private Duration connectTimeout;

  /** How often each node looks for expired sessions to report them (once across all nodes). */
  private Duration expirySweepInterval = Duration.ofSeconds(10);

  /** After a session id change, how long a request that loaded the old id may still save into the session. */
  private Duration movedGracePeriod = Duration.ofSeconds(10);

  /** How long an expired session's data stays in Redis for the expiry sweep to report it. */
  private Duration expiredRetention = Duration.ofMinutes(5);

  @NestedConfigurationProperty
  private final NearCacheProperties nearCache = new NearCacheProperties();

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  public void setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getExpirySweepInterval() {
    return expirySweepInterval;
  }

  public void setExpirySweepInterval(Duration expirySweepInterval) {
    this.expirySweepInterval = expirySweepInterval;
  }

  public Duration getMovedGracePeriod() {
    return movedGracePeriod;
  }

  public void setMovedGracePeriod(Duration movedGracePeriod) {
    this.movedGracePeriod = movedGracePeriod;
  }

  public Duration getExpiredRetention() {
    return expiredRetention;
  }

  public void setExpiredRetention(Duration expiredRetention) {
    this.expiredRetention = expiredRetention;
  }

  public NearCacheProperties getNearCache() {
    return nearCache;
  }
}
