package dev.loadstone.session.spi;

import dev.loadstone.session.RevocationList;

/**
 * Builds a {@link RevocationList} for stores without server-side state, found through {@link
 * java.util.ServiceLoader} by the URI scheme it serves ({@code redis}, in session-redis).
 */
public interface RevocationListProvider {
  /** Whether this provider serves {@code uri} (e.g. {@code redis://host:port}). */
  boolean serves(String uri);

  /** A revocation list at {@code uri}; it connects lazily, so a store using it starts while it is down. */
  RevocationList create(String uri, StoreSettings settings);
}
