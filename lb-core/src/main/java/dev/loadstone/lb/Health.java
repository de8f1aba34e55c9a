package dev.loadstone.lb;

/** Whether a backend passes its health checks. */
public enum Health {
  UP,
  DOWN
}
