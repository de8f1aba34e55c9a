package dev.loadstone.lb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An immutable view of a pool: every backend in insertion order, and the available (UP and ACTIVE) ones. */
public final class PoolSnapshot {
  private final long version;
  private final Ticker ticker;
  private final List<BackendState> all;
  private final List<BackendState> available;
  private final Map<String, BackendState> byId;
  private final long rampEndsAtNanos;
  private final long takenAtNanos;

  PoolSnapshot(long version, Ticker ticker, List<BackendState> all, long nowNanos) {
    this.version = version;
    this.ticker = ticker;
    this.takenAtNanos = nowNanos;
    this.all = Collections.unmodifiableList(new ArrayList<>(all));
    List<BackendState> avail = new ArrayList<>();
    Map<String, BackendState> ids = new HashMap<>();
    long rampEnd = Long.MIN_VALUE;
    for (BackendState s : all) {
      ids.put(s.id(), s);
      if (s.isAvailable()) {
        avail.add(s);
        if (s.isRampingUp(nowNanos)) {
          rampEnd = Math.max(rampEnd, s.rampEndsAtNanos());
        }
      }
    }
    this.available = Collections.unmodifiableList(avail);
    this.byId = Collections.unmodifiableMap(ids);
    this.rampEndsAtNanos = rampEnd;
  }

  /**
   * Increases by one with every published change. A slow-start refresh (same backends, later time) keeps
   * the version; compare {@link #takenAtNanos()} to tell such snapshots apart.
   */
  public long version() {
    return version;
  }

  /** Ticker time at which this snapshot was taken; balancers evaluate slow-start weights at it. */
  public long takenAtNanos() {
    return takenAtNanos;
  }

  public Ticker ticker() {
    return ticker;
  }

  public List<BackendState> all() {
    return all;
  }

  public List<BackendState> available() {
    return available;
  }

  /** The backend with this id, or null. */
  public BackendState get(String id) {
    return id == null ? null : byId.get(id);
  }

  /** True when some available backend is inside its slow-start window (weights change with time). */
  public boolean isRampingUp(long nowNanos) {
    return rampEndsAtNanos != Long.MIN_VALUE && nowNanos < rampEndsAtNanos;
  }

  /** The latest slow-start end among available backends, or {@code Long.MIN_VALUE} when none ramps. */
  public long rampEndsAtNanos() {
    return rampEndsAtNanos;
  }

  @Override
  public String toString() {
    return "PoolSnapshot(v" + version + ", " + all + ")";
  }
}
