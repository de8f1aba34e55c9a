package dev.loadstone.session.spi;

import dev.loadstone.session.SessionStore;

/**
 * Builds a store from string settings (a {@code web.xml} filter's init parameters, or a framework's
 * properties): found through {@link java.util.ServiceLoader} by {@link #name()} ({@code memory} in
 * session-core, {@code redis} in session-redis, {@code token} in session-token), so a module that is not on the
 * classpath is simply not offered. An application may also name its own implementation's class.
 */
public interface SessionStoreProvider {
  /** The value of the {@code store} setting that selects this provider. */
  String name();

  /** A new store; throws {@link IllegalArgumentException} naming the setting, its value and what was expected. */
  SessionStore create(StoreSettings settings);
}
