package dev.loadstone.proxy.admin;

import dev.loadstone.health.CheckResult;
import dev.loadstone.health.FailureKind;
import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.health.HealthChecker;
import dev.loadstone.health.HealthStatus;
import java.util.Optional;
import java.util.function.Function;

/**
 * The health checker the proxy's exchange feed and the admin API talk to, whose settings a reload can change:
 * {@link #replace} builds a checker with the new settings, stops the old one and starts the new one, which
 * takes every backend from the health the pool gives it now (an UP backend stays UP; a DOWN one, an ejected
 * one included, comes UP after {@code rise} passing checks under the new settings).
 */
final class LiveHealthChecker implements HealthChecker {
  private final Function<HealthCheckSettings, HealthChecker> factory;
  private volatile HealthChecker current;

  LiveHealthChecker(HealthCheckSettings settings, Function<HealthCheckSettings, HealthChecker> factory) {
    this.factory = factory;
    this.current = factory.apply(settings);
  }

  /** Switches to {@code settings} when they differ from the running ones; true if it did. */
  synchronized boolean replace(HealthCheckSettings settings) {
    if (settings.toString().equals(current.settings().toString())) {
      return false;
    }
    HealthChecker next = factory.apply(settings);
    HealthChecker old = current;
    old.close();
    current = next;
    next.start();
    return true;
  }

  @Override
  public void start() {
    current.start();
  }

  @Override
  public HealthCheckSettings settings() {
    return current.settings();
  }

  @Override
  public Optional<CheckResult> lastCheck(String backendId) {
    return current.lastCheck(backendId);
  }

  @Override
  public Optional<HealthStatus> status(String backendId) {
    return current.status(backendId);
  }

  @Override
  public boolean isEjected(String backendId) {
    return current.isEjected(backendId);
  }

  @Override
  public void onSuccess(String backendId) {
    current.onSuccess(backendId);
  }

  @Override
  public void onFailure(String backendId, FailureKind kind) {
    current.onFailure(backendId, kind);
  }

  @Override
  public synchronized void close() {
    current.close();
  }
}
