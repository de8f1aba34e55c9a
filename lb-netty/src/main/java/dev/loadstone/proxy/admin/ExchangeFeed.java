package dev.loadstone.proxy.admin;

import dev.loadstone.health.FailureKind;
import dev.loadstone.health.OutlierDetector;
import dev.loadstone.lb.Backend;
import dev.loadstone.proxy.ExchangeListener;
import dev.loadstone.proxy.FailureCause;
import java.net.SocketAddress;

/**
 * The seam between the proxy and operations: turns the proxy's {@link ExchangeListener} calls into metrics
 * and passive health outcomes (a 5xx response or a failed attempt is a failure; any other response a success).
 */
public final class ExchangeFeed implements ExchangeListener {
  private final ProxyMetrics metrics;
  private final OutlierDetector outliers;

  public ExchangeFeed(ProxyMetrics metrics, OutlierDetector outliers) {
    this.metrics = metrics;
    this.outliers = outliers;
  }

  @Override
  public void clientConnectionOpened(SocketAddress client) {
    metrics.connectionOpened();
  }

  @Override
  public void clientConnectionClosed(SocketAddress client) {
    metrics.connectionClosed();
  }

  @Override
  public void exchangeCompleted(Backend backend, int status, long durationNanos, long bytesIn, long bytesOut) {
    metrics.exchangeCompleted(backend.id(), status, durationNanos, bytesIn, bytesOut);
    if (status >= 500) {
      outliers.onFailure(backend.id(), FailureKind.STATUS_5XX);
    } else {
      outliers.onSuccess(backend.id());
    }
  }

  @Override
  public void backendFailed(Backend backend, FailureCause cause) {
    metrics.backendFailed(backend.id(), cause.name());
    outliers.onFailure(backend.id(), kind(cause));
  }

  @Override
  public void retried(Backend failed, FailureCause cause, int attempt) {
    metrics.retried();
  }

  @Override
  public void http2ConnectionOpened() {
    metrics.http2ConnectionOpened();
  }

  @Override
  public void queued() {
    metrics.queued();
  }

  @Override
  public void acceptPaused(int limit) {
    metrics.acceptPaused();
  }

  @Override
  public void proxyError(int status, String cause) {
    metrics.proxyError(status);
  }

  static FailureKind kind(FailureCause cause) {
    switch (cause) {
      case CONNECT_FAILED:
      case CONNECT_TIMEOUT:
        return FailureKind.CONNECT;
      case RESPONSE_TIMEOUT:
        return FailureKind.TIMEOUT;
      default:
        return FailureKind.RESET;
    }
  }
}
