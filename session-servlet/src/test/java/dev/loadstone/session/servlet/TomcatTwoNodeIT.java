package dev.loadstone.session.servlet;

class TomcatTwoNodeIT extends AbstractTwoNodeSuite {
  @Override
  protected ServletContainer newContainer() {
    return new TomcatContainer();
  }
}
