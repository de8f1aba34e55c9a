package dev.loadstone.session.servlet;

class TomcatTokenSessionFilterIT extends AbstractTokenSessionFilterSuite {
  @Override
  protected ServletContainer newContainer() {
    return new TomcatContainer();
  }
}
