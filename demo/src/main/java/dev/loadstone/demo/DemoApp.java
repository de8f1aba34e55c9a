package dev.loadstone.demo;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.servlet.SessionFilter;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/** One of the demo's servlet applications: an embedded Jetty with {@link SessionFilter} in front of the page. */
final class DemoApp {
  private final String name;
  private final int port;
  private final Server server;

  DemoApp(String name, int port, SessionStore store, Demo demo) {
    this.name = name;
    this.port = port;
    this.server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(new FilterHolder(SessionFilter.builder(store).build()), "/*", EnumSet.allOf(DispatcherType.class));
    context.addServlet(new ServletHolder(new DemoServlet(name, demo)), "/*");
    GracefulHandler graceful = new GracefulHandler(); // stop() lets requests in flight finish
    graceful.setHandler(context);
    server.setHandler(graceful);
    server.setStopTimeout(5_000);
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  synchronized boolean isRunning() {
    return server.isStarted();
  }

  synchronized void start() throws Exception {
    if (!server.isStarted()) {
      server.start();
    }
  }

  synchronized void stop() throws Exception {
    if (server.isStarted()) {
      server.stop();
    }
  }
}
