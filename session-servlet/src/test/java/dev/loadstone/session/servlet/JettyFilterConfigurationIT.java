package dev.loadstone.session.servlet;

class JettyFilterConfigurationIT extends AbstractFilterConfigurationSuite {
  @Override
  protected ServletContainer newContainer() {
    return new JettyContainer();
  }
}
