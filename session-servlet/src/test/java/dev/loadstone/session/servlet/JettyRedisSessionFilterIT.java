package dev.loadstone.session.servlet;

class JettyRedisSessionFilterIT extends AbstractRedisSessionFilterSuite {
  @Override
  protected ServletContainer newContainer() {
    return new JettyContainer();
  }
}
