package dev.loadstone.session;

/** The backing service (Redis) could not be reached or did not answer in time. Nothing was half-written. */
public class SessionStoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SessionStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public SessionStoreUnavailableException(String message) {
    super(message);
  }
}
