package dev.loadstone.session.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Tomcat 11 embedded. */
final class TomcatContainer implements ServletContainer {
  private Tomcat tomcat;

  @Override
  public int start(Filter filter, Map<String, String> initParameters, HttpServlet servlet, WebApp webApp)
      throws Exception {
    Path base = Files.createDirectories(Path.of("target", "tomcat")).toAbsolutePath();
    tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory(base, "base").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "sample", servlet).setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "sample");
    FilterDef def = new FilterDef();
    def.setFilterName("session");
    def.setAsyncSupported("true");
    if (filter != null) {
      def.setFilter(filter);
      def.setFilterClass(filter.getClass().getName());
    } else {
      def.setFilterClass(SessionFilter.class.getName());
    }
    initParameters.forEach(def::addInitParameter);
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("session");
    map.addURLPattern("/*");
    for (DispatcherType type : DispatcherType.values()) {
      map.setDispatcher(type.name());
    }
    context.addFilterMap(map);
    ErrorPage byStatus = new ErrorPage();
    byStatus.setErrorCode(500);
    byStatus.setLocation("/error-page");
    context.addErrorPage(byStatus);
    ErrorPage byException = new ErrorPage();
    byException.setExceptionType(Throwable.class.getName());
    byException.setLocation("/error-page");
    context.addErrorPage(byException);
    if (!webApp.isDefault()) {
      context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
        if (webApp.sessionTimeoutMinutes() != null) {
          ctx.setSessionTimeout(webApp.sessionTimeoutMinutes());
        }
        if (webApp.cookieName() != null) {
          ctx.getSessionCookieConfig().setName(webApp.cookieName());
        }
        webApp.contextAttributes().forEach(ctx::setAttribute);
      }, null);
    }
    tomcat.start();
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  @Override
  public String toString() {
    return "Tomcat 11";
  }
}
