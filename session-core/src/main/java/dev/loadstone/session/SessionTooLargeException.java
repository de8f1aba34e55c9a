package dev.loadstone.session;

/**
 * The session does not fit where the store keeps it (a token store without a spill store: in a cookie). Nothing
 * was written and the client keeps the handle it had, so it is never locked out: the servlet filter answers the
 * request normally, logs this (WARN) and drops that request's session changes.
 */
public class SessionTooLargeException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int tokenBytes;
  private final int limitBytes;

  public SessionTooLargeException(String sessionIdPrefix, int tokenBytes, int limitBytes) {
    super("session " + sessionIdPrefix + "...: token is " + tokenBytes + " bytes (expected: at most " + limitBytes
        + "); keep less in the session, raise maxCookieBytes, or configure spillTo(a Redis SessionStore)");
    this.tokenBytes = tokenBytes;
    this.limitBytes = limitBytes;
  }

  public int tokenBytes() {
    return tokenBytes;
  }

  public int limitBytes() {
    return limitBytes;
  }
}
