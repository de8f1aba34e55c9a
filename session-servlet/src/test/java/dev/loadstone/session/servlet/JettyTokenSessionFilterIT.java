package dev.loadstone.session.servlet;

class JettyTokenSessionFilterIT extends AbstractTokenSessionFilterSuite {
  @Override
  protected ServletContainer newContainer() {
    return new JettyContainer();
  }
}
