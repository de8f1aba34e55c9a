package dev.loadstone.session.servlet;

/** What the filter does when the session store cannot be reached. */
public enum StoreUnavailablePolicy {
  /** Answer 503 with Retry-After and a short body; the application is not invoked (the default). */
  RESPOND_503,
  /**
   * Invoke the application as if the client had no session: {@code getSession(false)} is null, a session
   * created now works for this request, and saving it is attempted and, on failure, logged and dropped.
   */
  CONTINUE_WITHOUT_SESSION
}
