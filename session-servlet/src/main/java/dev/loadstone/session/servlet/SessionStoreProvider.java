package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;
import java.util.function.Function;

/**
 * Builds the store for a {@code web.xml}-configured {@link SessionFilter} whose {@code store} init parameter
 * names this class (public, with a public no-argument constructor). The filter closes the store on destroy.
 */
public interface SessionStoreProvider {
  /** {@code initParameters} maps an init parameter name to its value, or null. */
  SessionStore create(Function<String, String> initParameters);
}
