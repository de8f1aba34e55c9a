package dev.loadstone.session.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.Map;

/**
 * An embedded servlet container on 127.0.0.1 with one filter on /* (mapped for every dispatcher type, as the
 * README says to map it) and one async-capable servlet on /*; errors (a thrown exception, or status 500) go
 * to the error page {@code /error-page} served by the same servlet.
 */
interface ServletContainer extends AutoCloseable {

  /** What a web.xml {@code <session-config>} would set; nulls leave the container's default. */
  record WebApp(Integer sessionTimeoutMinutes, String cookieName, Map<String, Object> contextAttributes) {
    static final WebApp DEFAULT = new WebApp(null, null, Map.of());

    WebApp(Integer sessionTimeoutMinutes, String cookieName) {
      this(sessionTimeoutMinutes, cookieName, Map.of());
    }

    boolean isDefault() {
      return sessionTimeoutMinutes == null && cookieName == null && contextAttributes.isEmpty();
    }
  }

  /** Starts with a filter instance, or (filter null) with a {@link SessionFilter} configured by init params. */
  default int start(Filter filter, Map<String, String> initParameters, HttpServlet servlet) throws Exception {
    return start(filter, initParameters, servlet, WebApp.DEFAULT);
  }

  int start(Filter filter, Map<String, String> initParameters, HttpServlet servlet, WebApp webApp) throws Exception;

  @Override
  void close() throws Exception;
}
