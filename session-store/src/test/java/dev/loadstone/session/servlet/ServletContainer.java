package dev.loadstone.session.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.Map;

/** An embedded servlet container on 127.0.0.1 with one filter on /* and one servlet on /*. */
interface ServletContainer extends AutoCloseable {

  /** Starts with a filter instance, or (filter null) with a {@link SessionFilter} configured by init params. */
  int start(Filter filter, Map<String, String> initParameters, HttpServlet servlet) throws Exception;

  @Override
  void close() throws Exception;
}
