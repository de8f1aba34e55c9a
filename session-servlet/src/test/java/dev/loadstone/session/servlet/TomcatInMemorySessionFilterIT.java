package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;

class TomcatInMemorySessionFilterIT extends AbstractSessionFilterSuite {
  @Override
  protected ServletContainer newContainer() {
    return new TomcatContainer();
  }

  @Override
  protected SessionStore newStore() {
    return Stores.inMemory(clock);
  }
}
