package dev.loadstone.session;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A store that keeps an index of sessions by principal name (maintained by every save, see {@link
 * PrincipalResolver}): the sessions of a user, and "log out everywhere". The Redis and in-memory stores
 * implement it; the token store cannot (it keeps no server-side record of its sessions).
 */
public interface IndexedSessionStore extends SessionStore {

  /**
   * The live sessions of {@code principalName}, each loaded as for a request (read them; saving one is a
   * normal save). Completes with an empty list for an unknown name.
   */
  CompletionStage<List<Session>> findByPrincipal(String principalName);

  /**
   * Deletes every session of {@code principalName} ("log out everywhere") and completes with how many there
   * were. Listeners registered on this node get {@link SessionEventListener#sessionDeleted} for each.
   */
  CompletionStage<Integer> invalidateAll(String principalName);
}
