package dev.loadstone.session;

/**
 * Told about sessions that end without a request ending them: a timeout, or {@link
 * IndexedSessionStore#invalidateAll}. (A request that invalidates its own session is told by the servlet layer,
 * which holds that session.) Registered with {@link SessionStore#addListener}; called on a store thread, so
 * keep it short and never block it.
 */
public interface SessionEventListener {
  /**
   * {@code session} timed out. It is its last stored state, to read (attributes decode as usual); changes to it
   * are not saved. Each expiry is reported once across all nodes sharing the store, by the node whose sweep
   * claimed it (see the store's documentation for what it can and cannot guarantee).
   */
  default void sessionExpired(Session session) {}

  /** {@code session} was deleted by {@link IndexedSessionStore#invalidateAll} on this node; as above. */
  default void sessionDeleted(Session session) {}
}
