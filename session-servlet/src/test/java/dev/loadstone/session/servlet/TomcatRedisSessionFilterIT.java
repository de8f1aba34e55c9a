package dev.loadstone.session.servlet;

class TomcatRedisSessionFilterIT extends AbstractRedisSessionFilterSuite {
  @Override
  protected ServletContainer newContainer() {
    return new TomcatContainer();
  }
}
