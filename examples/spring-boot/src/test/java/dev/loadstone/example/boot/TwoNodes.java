package dev.loadstone.example.boot;

import dev.loadstone.session.testing.RedisServerProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two copies of the example application (each its own Spring context and embedded Tomcat on a free port), one real
 * redis-server on a free port, and the real proxy in front, round robin: what a test class shares.
 */
final class TwoNodes implements AutoCloseable {
  final RedisServerProcess redis;
  final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
  final ProxyProcess proxy;

  TwoNodes(Map<String, String> properties, Class<?>... extraSources) throws Exception {
    redis = RedisServerProcess.start();
    try {
      for (String node : List.of("a", "b")) {
        Map<String, String> p = new HashMap<>(properties);
        p.put("server.port", "0");
        p.put("example.node", node);
        p.put("spring.data.redis.url", redis.uri());
        p.put("logging.level.root", "WARN");
        List<Class<?>> sources = new ArrayList<>(List.of(ExampleApplication.class));
        sources.addAll(List.of(extraSources));
        // As command-line arguments: above application.properties (builder properties() would sit below it).
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(new Class<?>[0])).run(args);
        nodes.add(context);
        for (Map.Entry<String, String> e : p.entrySet()) { // never the machine's Redis, never another store
          String actual = context.getEnvironment().getProperty(e.getKey());
          if (!e.getValue().equals(actual) && !e.getKey().equals("server.port")) {
            throw new IllegalStateException(e.getKey() + ": " + actual + " (expected: " + e.getValue() + ")");
          }
        }
      }
      proxy = ProxyProcess.roundRobin(port(0), port(1));
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  int port(int node) {
    return Integer.parseInt(nodes.get(node).getEnvironment().getRequiredProperty("local.server.port"));
  }

  /** A new browser that goes through the proxy. */
  Browser browser() {
    return new Browser(proxy.port());
  }

  /** A new browser that talks to one node directly. */
  Browser browserOn(int node) {
    return new Browser(port(node));
  }

  /** Spring Session's auto-configuration classes of the Boot line on the classpath (excluded to run Loadstone's). */
  static String springSessionAutoConfigurations() {
    List<String> present = new ArrayList<>();
    for (String name : List.of("org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
        "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration",
        "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration")) {
      try {
        Class.forName(name, false, TwoNodes.class.getClassLoader());
        present.add(name);
      } catch (ClassNotFoundException e) {
        // not this Boot line
      }
    }
    return String.join(",", present);
  }

  @Override
  public void close() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (ConfigurableApplicationContext node : nodes) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
  }
}
