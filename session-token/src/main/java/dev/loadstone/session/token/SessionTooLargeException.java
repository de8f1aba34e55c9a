package dev.loadstone.session.token;

/**
 * The session does not fit in a cookie and no spill store is configured. Nothing was written; the client
 * keeps its previous token.
 */
public class SessionTooLargeException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int tokenBytes;
  private final int limitBytes;

  SessionTooLargeException(String sessionIdPrefix, int tokenBytes, int limitBytes) {
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
