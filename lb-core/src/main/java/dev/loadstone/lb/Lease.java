package dev.loadstone.lb;

/**
 * One exchange's hold on a backend: taken by {@link BackendPool#acquire(PickRequest)}, which counts it in
 * the backend's in-flight number, and given back by {@link #release()} when the exchange ends (success,
 * failure or cancellation alike). {@code release} is idempotent, so failure paths may call it freely.
 */
public final class Lease implements AutoCloseable {
  private final BackendPool pool;
  private final Pick pick;
  private boolean released; // guarded by this

  Lease(BackendPool pool, Pick pick) {
    this.pool = pool;
    this.pick = pick;
  }

  /** An empty lease that says why nothing was leased (release does nothing). */
  public static Lease none(String reason) {
    return new Lease(null, Pick.none(reason));
  }

  /** False when nothing was available; then {@link #reason()} says why and release does nothing. */
  public boolean isEmpty() {
    return pick.isEmpty();
  }

  public String reason() {
    return pick.reason();
  }

  public BackendState state() {
    return pick.state();
  }

  public Backend backend() {
    return pick.isEmpty() ? null : pick.state().backend();
  }

  /** The sticky cookie value to set on the response, or null. */
  public String setCookie() {
    return pick.setCookie();
  }

  /** Gives the in-flight slot back; only the first call counts. */
  public void release() {
    if (pick.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    pool.released(pick.state());
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "Lease(" + pick + ")";
  }
}
