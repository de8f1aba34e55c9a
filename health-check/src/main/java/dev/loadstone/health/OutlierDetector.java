package dev.loadstone.health;

/**
 * Passive health: the proxy reports the outcome of every exchange it forwarded, and backends that fail
 * too often in a row are ejected for a while. Thread-safe; cheap enough to call on every exchange.
 */
public interface OutlierDetector {
  /** The exchange with this backend succeeded (any non-5xx response); resets its run of failures. */
  void onSuccess(String backendId);

  /** The exchange with this backend failed; enough of these in a row eject it. */
  void onFailure(String backendId, FailureKind kind);

  /** A detector that ignores everything (outlier detection off). */
  static OutlierDetector disabled() {
    return DisabledOutlierDetector.INSTANCE;
  }
}

enum DisabledOutlierDetector implements OutlierDetector {
  INSTANCE;

  @Override
  public void onSuccess(String backendId) {}

  @Override
  public void onFailure(String backendId, FailureKind kind) {}
}
