package dev.loadstone.demo;

import dev.loadstone.lb.Backend;
import dev.loadstone.proxy.ProxyConfig;
import dev.loadstone.proxy.ProxyConfigBuilder;
import dev.loadstone.proxy.ProxyServer;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.servlet.SessionFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Two real Jetty applications, each with {@link SessionFilter} over its own session store (as two JVMs would
 * have), behind the real proxy (round robin), and clients with a cookie jar that count visits in their session.
 */
final class SessionNodes implements AutoCloseable {
  private final List<Server> apps = new ArrayList<>();
  private final List<SessionStore> stores = new ArrayList<>();
  private final ProxyServer proxy;

  SessionNodes(Supplier<SessionStore> store) throws Exception {
    ProxyConfigBuilder config = ProxyConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0));
    try {
      for (int i = 1; i <= 2; i++) {
        SessionStore s = store.get();
        stores.add(s);
        Server server = app("app-" + i, s);
        apps.add(server);
        config.addBackend(Backend.of("app-" + i, "127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort(), 1));
      }
      proxy = ProxyServer.start(config.build());
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private static Server app(String name, SessionStore store) throws Exception {
    Server server = new Server();
    server.setStopTimeout(0);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(new FilterHolder(SessionFilter.builder(store).build()), "/*", EnumSet.allOf(DispatcherType.class));
    context.addServlet(new ServletHolder(new Counter(name)), "/*");
    server.setHandler(context);
    server.start();
    return server;
  }

  /** A new client (its own cookie jar, so its own session). */
  Client client() {
    return new Client("http://127.0.0.1:" + proxy.localAddress().getPort() + "/count");
  }

  @Override
  public void close() {
    if (proxy != null) {
      proxy.close();
    }
    for (Server s : apps) {
      try {
        s.stop();
      } catch (Exception ignored) {
        // stopping a test server
      }
    }
    for (SessionStore s : stores) {
      s.close();
    }
  }

  /** {@code GET /count}: adds one to the session's counter and answers {@code n=<value> server=<name>}. */
  static final class Counter extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final String name;

    Counter(String name) {
      this.name = name;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      HttpSession session = req.getSession();
      Object n = session.getAttribute("n");
      int next = n instanceof Number v ? v.intValue() + 1 : 1;
      session.setAttribute("n", next);
      resp.setContentType("text/plain;charset=utf-8");
      resp.getWriter().print("n=" + next + " server=" + name);
    }
  }

  /** One visit's outcome: the status, the counter value (2xx only, else -1), who answered, and how long it took. */
  record Visit(int status, int n, String server, Duration took, String retryAfter) {
    boolean ok() {
      return status / 100 == 2;
    }
  }

  /** A browser-like client: a cookie jar, one request at a time. */
  static final class Client {
    private final String url;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder()
        .cookieHandler(cookies)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    Client(String url) {
      this.url = url;
    }

    /** The session id in the jar ({@code SESSION}), or null. */
    String sessionId() {
      return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("SESSION"))
          .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    Visit visit() throws IOException, InterruptedException {
      long start = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      String body = r.body();
      if (r.statusCode() / 100 == 2) {
        String[] parts = body.split(" ");
        return new Visit(r.statusCode(), Integer.parseInt(parts[0].substring(2)), parts[1].substring(7), took, null);
      }
      return new Visit(r.statusCode(), -1, null, took, r.headers().firstValue("Retry-After").orElse(null));
    }
  }
}
