package dev.loadstone.health;

/** Why an exchange the proxy forwarded to a backend failed; each kind counts towards outlier ejection. */
public enum FailureKind {
  /** The connection to the backend could not be established (refused, unreachable, connect timeout). */
  CONNECT,
  /** The backend answered with a 5xx status. */
  STATUS_5XX,
  /** The backend did not answer within the response timeout. */
  TIMEOUT,
  /** The backend closed or reset the connection before the response was complete. */
  RESET
}
