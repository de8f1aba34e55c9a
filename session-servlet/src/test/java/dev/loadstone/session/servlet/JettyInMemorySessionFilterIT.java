package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;

class JettyInMemorySessionFilterIT extends AbstractSessionFilterSuite {
  @Override
  protected ServletContainer newContainer() {
    return new JettyContainer();
  }

  @Override
  protected SessionStore newStore() {
    return Stores.inMemory(clock);
  }
}
