package dev.loadstone.session.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12, ee10 (Servlet 6.0). */
final class JettyContainer implements ServletContainer {
  private Server server;

  @Override
  public int start(Filter filter, Map<String, String> initParameters, HttpServlet servlet, WebApp webApp)
      throws Exception {
    server = new Server();
    server.setStopTimeout(0); // tests wait for nothing on stop: every request has completed
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    // With a session handler, as a web.xml application has: the filter must keep the container's sessions unused.
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    FilterHolder holder = filter != null ? new FilterHolder(filter) : new FilterHolder(SessionFilter.class);
    holder.setAsyncSupported(true);
    initParameters.forEach(holder::setInitParameter);
    context.addFilter(holder, "/*", EnumSet.allOf(DispatcherType.class));
    ServletHolder servletHolder = new ServletHolder(servlet);
    servletHolder.setAsyncSupported(true);
    context.addServlet(servletHolder, "/*");
    ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
    errors.addErrorPage(500, "/error-page");
    errors.addErrorPage(Throwable.class, "/error-page");
    context.setErrorHandler(errors);
    if (!webApp.isDefault()) {
      context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
        if (webApp.sessionTimeoutMinutes() != null) {
          ctx.setSessionTimeout(webApp.sessionTimeoutMinutes());
        }
        if (webApp.cookieName() != null) {
          ctx.getSessionCookieConfig().setName(webApp.cookieName());
        }
        webApp.contextAttributes().forEach(ctx::setAttribute);
      });
    }
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
