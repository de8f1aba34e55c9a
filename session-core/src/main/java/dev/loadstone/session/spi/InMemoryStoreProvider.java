package dev.loadstone.session.spi;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.SessionStore;

/** {@code store=memory} (the default): {@code memory.maximum-size}, {@code memory.expiry-sweep-interval}. */
public final class InMemoryStoreProvider implements SessionStoreProvider {
  @Override
  public String name() {
    return "memory";
  }

  @Override
  public SessionStore create(StoreSettings settings) {
    InMemorySessionStore.Builder b = InMemorySessionStore.builder().sessions(settings.sessions());
    settings.optionalLong("memory.maximum-size").ifPresent(b::maximumSize);
    settings.optionalDuration("memory.expiry-sweep-interval").ifPresent(b::expirySweepInterval);
    return b.build();
  }
}
