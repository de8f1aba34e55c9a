package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import java.net.SocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans calls out to the configured listeners; one listener's exception never breaks the proxy. */
final class Listeners implements ExchangeListener {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);
  private final ExchangeListener[] all;

  Listeners(List<ExchangeListener> listeners) {
    this.all = listeners.toArray(new ExchangeListener[0]);
  }

  private static void failed(ExchangeListener l, RuntimeException e) {
    log.warn("exchange listener {} failed", l, e);
  }

  @Override
  public void clientConnectionOpened(SocketAddress client) {
    for (ExchangeListener l : all) {
      try {
        l.clientConnectionOpened(client);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void clientConnectionClosed(SocketAddress client) {
    for (ExchangeListener l : all) {
      try {
        l.clientConnectionClosed(client);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void http2ConnectionOpened() {
    for (ExchangeListener l : all) {
      try {
        l.http2ConnectionOpened();
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void queued() {
    for (ExchangeListener l : all) {
      try {
        l.queued();
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void acceptPaused(int limit) {
    for (ExchangeListener l : all) {
      try {
        l.acceptPaused(limit);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void requestStarted(Backend backend) {
    for (ExchangeListener l : all) {
      try {
        l.requestStarted(backend);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void responseHeadersReceived(Backend backend, int status) {
    for (ExchangeListener l : all) {
      try {
        l.responseHeadersReceived(backend, status);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void exchangeCompleted(Backend backend, int status, long durationNanos, long bytesIn, long bytesOut) {
    for (ExchangeListener l : all) {
      try {
        l.exchangeCompleted(backend, status, durationNanos, bytesIn, bytesOut);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void backendFailed(Backend backend, FailureCause cause) {
    for (ExchangeListener l : all) {
      try {
        l.backendFailed(backend, cause);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void retried(Backend failed, FailureCause cause, int attempt) {
    for (ExchangeListener l : all) {
      try {
        l.retried(failed, cause, attempt);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }

  @Override
  public void proxyError(int status, String cause) {
    for (ExchangeListener l : all) {
      try {
        l.proxyError(status, cause);
      } catch (RuntimeException e) {
        failed(l, e);
      }
    }
  }
}
