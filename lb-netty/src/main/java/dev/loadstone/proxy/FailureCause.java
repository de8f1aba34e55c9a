package dev.loadstone.proxy;

/** Why an attempt to a backend failed, as reported to {@link ExchangeListener#backendFailed}. */
public enum FailureCause {
  /** The TCP connect was refused or failed otherwise. */
  CONNECT_FAILED,
  /** The TCP connect did not complete within the connect timeout. */
  CONNECT_TIMEOUT,
  /** The connection was closed or reset before the response was complete. */
  RESET,
  /** No response headers arrived within the response timeout after the request was sent. */
  RESPONSE_TIMEOUT,
  /** The backend sent something that is not a valid HTTP/1.1 response. */
  INVALID_RESPONSE
}
