package dev.loadstone.session.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.testing.MutableClock;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.session.AbstractSessionEvent;
import org.springframework.security.web.session.HttpSessionCreatedEvent;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.security.web.session.HttpSessionIdChangedEvent;

/** The starter in a real embedded Tomcat: Boot's session settings applied, Spring Security's session events published. */
class StarterTomcatIT {
  private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** A servlet that makes, renames and ends sessions; every Spring Security session event it causes is kept. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    final List<AbstractSessionEvent> events = new CopyOnWriteArrayList<>();

    @Bean
    ServletRegistrationBean<HttpServlet> sessions() {
      return new ServletRegistrationBean<>(new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          switch (req.getPathInfo()) {
            case "/new" -> resp.getWriter().print(req.getSession().getMaxInactiveInterval());
            case "/change" -> resp.getWriter().print(req.changeSessionId());
            case "/invalidate" -> req.getSession().invalidate();
            default -> resp.sendError(404);
          }
        }
      }, "/s/*");
    }

    @Bean
    ApplicationListener<AbstractSessionEvent> recorder() {
      return events::add;
    }
  }

  /** The application's own factory on a clock the test moves (the starter's store backs onto it). */
  @Configuration(proxyBeanMethods = false)
  static class ClockedSessions {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Bean
    SessionFactory sessionFactory() {
      return SessionFactory.builder().clock(CLOCK).idleTimeout(Duration.ofMinutes(5)).build();
    }
  }

  private static ConfigurableApplicationContext start(Class<?>... sources) {
    return new SpringApplicationBuilder(sources).run("--server.port=0", "--server.servlet.session.timeout=7m",
        "--server.servlet.session.cookie.name=APPSESSION", "--server.servlet.session.cookie.path=/s",
        "--server.servlet.session.cookie.same-site=strict", "--server.servlet.session.cookie.max-age=1h",
        "--server.servlet.session.cookie.secure=true", "--logging.level.root=WARN");
  }

  private static HttpResponse<String> get(ConfigurableApplicationContext app, String path, String cookie) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + app.getEnvironment().getProperty("local.server.port") + path));
    if (cookie != null) {
      r.header("Cookie", cookie);
    }
    return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookieOf(HttpResponse<?> response) {
    return response.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
  }

  @Test
  void bootsSessionTimeoutAndCookieSettingsGovernTheSharedSession() throws Exception {
    try (ConfigurableApplicationContext app = start(App.class)) {
      HttpResponse<String> created = get(app, "/s/new", null);
      assertThat(created.body()).isEqualTo(String.valueOf(7 * 60));
      String setCookie = created.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).startsWith("APPSESSION=").contains("Path=/s", "SameSite=Strict", "Max-Age=3600", "Secure",
          "HttpOnly");
      assertThat(created.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("JSESSIONID"));
    }
  }

  @Test
  void springSecuritysSessionEventsArePublishedForCreationIdChangeInvalidationAndExpiry() throws Exception {
    try (ConfigurableApplicationContext app = start(App.class, ClockedSessions.class)) {
      List<AbstractSessionEvent> events = app.getBean(App.class).events;
      String cookie = cookieOf(get(app, "/s/new", null));
      String changed = get(app, "/s/change", cookie).body();
      get(app, "/s/invalidate", "APPSESSION=" + changed);
      assertThat(events).hasExactlyElementsOfTypes(HttpSessionCreatedEvent.class, HttpSessionIdChangedEvent.class,
          HttpSessionDestroyedEvent.class);
      assertThat(((HttpSessionIdChangedEvent) events.get(1)).getOldSessionId()).isEqualTo(cookie.split("=")[1]);
      assertThat(((HttpSessionDestroyedEvent) events.get(2)).getId()).isEqualTo(changed);

      events.clear();
      String idle = cookieOf(get(app, "/s/new", null)).split("=")[1];
      events.clear();
      ClockedSessions.CLOCK.advance(Duration.ofMinutes(6));
      SessionStore store = app.getBean(SessionStore.class);
      assertThat(store).isInstanceOf(InMemorySessionStore.class);
      assertThat(BlockingSessionStore.of(store).await(store.sweepExpired())).isEqualTo(1);
      assertThat(events).singleElement().isInstanceOfSatisfying(HttpSessionDestroyedEvent.class,
          e -> assertThat(e.getId()).isEqualTo(idle));
      Session gone = BlockingSessionStore.of(store).load(idle).orElse(null);
      assertThat(gone).isNull();
    }
  }
}
