package dev.loadstone.session.servlet;

class TomcatFilterConfigurationIT extends AbstractFilterConfigurationSuite {
  @Override
  protected ServletContainer newContainer() {
    return new TomcatContainer();
  }
}
