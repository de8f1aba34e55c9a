package dev.loadstone.lb;

/** What an operator wants for a backend, independent of its health. */
public enum AdminState {
  /** Takes new work when UP. */
  ACTIVE,
  /** Takes no new work; in-flight exchanges finish; sticky clients follow the pool's drain policy. */
  DRAINING,
  /** Takes nothing, not even sticky clients. */
  MAINTENANCE
}
