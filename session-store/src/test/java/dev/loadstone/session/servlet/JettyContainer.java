package dev.loadstone.session.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12, ee10 (Servlet 6.0). */
final class JettyContainer implements ServletContainer {
  private Server server;

  @Override
  public int start(Filter filter, Map<String, String> initParameters, HttpServlet servlet) throws Exception {
    server = new Server();
    server.setStopTimeout(0); // tests wait for nothing on stop: every request has completed
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder holder = filter != null ? new FilterHolder(filter) : new FilterHolder(SessionFilter.class);
    initParameters.forEach(holder::setInitParameter);
    context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(servlet), "/*");
    server.setHandler(context);
    server.start();
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  @Override
  public String toString() {
    return "Jetty 12 ee10";
  }
}
