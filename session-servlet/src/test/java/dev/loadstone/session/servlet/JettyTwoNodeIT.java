package dev.loadstone.session.servlet;

class JettyTwoNodeIT extends AbstractTwoNodeSuite {
  @Override
  protected ServletContainer newContainer() {
    return new JettyContainer();
  }
}
