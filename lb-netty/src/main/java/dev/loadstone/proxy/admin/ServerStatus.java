package dev.loadstone.proxy.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the status page and {@code /api/status} say about the proxy as a whole, and what {@code /readyz}
 * decides on: the version, when it started, its algorithm and listeners (set by whoever runs the proxy), and
 * whether it is serving (listening and not shutting down).
 */
final class ServerStatus {
  static final String VERSION = versionOf(ServerStatus.class);

  private final Clock clock;
  private final Instant started;
  private volatile String algorithm = "unknown";
  private volatile List<String> listeners = List.of();
  private volatile boolean serving;
  private volatile java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> scaling; // null: advisor off

  ServerStatus(Clock clock) {
    this.clock = clock;
    this.started = clock.instant();
  }

  void describe(String algorithm, List<String> listeners) {
    this.algorithm = algorithm;
    this.listeners = List.copyOf(listeners);
  }

  void serving(boolean on) {
    serving = on;
  }

  /** What {@code /api/scaling} and the status page show of the scaling advisor; null turns it off. */
  void scaling(java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> view) {
    scaling = view;
  }

  java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> scaling() {
    return scaling;
  }

  boolean serving() {
    return serving;
  }

  String algorithm() {
    return algorithm;
  }

  List<String> listeners() {
    return listeners;
  }

  Instant started() {
    return started;
  }

  Duration uptime() {
    return Duration.between(started, clock.instant());
  }

  Instant now() {
    return clock.instant();
  }

  /** The jar's version (its manifest's Implementation-Version), or {@code dev} when run from classes. */
  private static String versionOf(Class<?> c) {
    String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
