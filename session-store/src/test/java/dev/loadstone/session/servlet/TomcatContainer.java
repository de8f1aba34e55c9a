package dev.loadstone.session.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Tomcat 11 embedded. */
final class TomcatContainer implements ServletContainer {
  private Tomcat tomcat;

  @Override
  public int start(Filter filter, Map<String, String> initParameters, HttpServlet servlet) throws Exception {
    Path base = Files.createDirectories(Path.of("target", "tomcat")).toAbsolutePath();
    tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory(base, "base").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "sample", servlet).addMapping("/*");
    FilterDef def = new FilterDef();
    def.setFilterName("session");
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
    context.addFilterMap(map);
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
