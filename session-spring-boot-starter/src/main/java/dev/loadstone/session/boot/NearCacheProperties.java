package dev.loadstone.session.boot;

import java.time.Duration;

/** A local cache of recently read sessions in front of Redis. */
public class NearCacheProperties {
  /** Sessions kept per node; 0 turns the near-cache off. */
  private long size = 0;

  /** Longest life of a near-cache entry, whatever the invalidations. */
  private Duration ttl = Duration.ofSeconds(10);

  /** tracking (Redis pushes invalidations; a hit costs no round trip) or version-check (one small round trip per hit; the only mode with Cluster). */
  private LoadstoneSessionProperties.NearCacheValidation validation;

  public long getSize() {
    return size;
  }

  public void setSize(long size) {
    this.size = size;
  }

  public Duration getTtl() {
    return ttl;
  }

  public void setTtl(Duration ttl) {
    this.ttl = ttl;
  }

  public LoadstoneSessionProperties.NearCacheValidation getValidation() {
    return validation;
  }

  public void setValidation(LoadstoneSessionProperties.NearCacheValidation validation) {
    this.validation = validation;
  }
}
