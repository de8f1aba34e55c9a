package dev.loadstone.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The flow every session store must carry through two nodes behind the round-robin proxy, driven over HTTP with a
 * cookie jar: Spring Security form login with CSRF, a page reading the principal and a counter, logout, and an error
 * page. Each subclass runs it on one store; the application instances and redis-server are shared by the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractLoginFlowIT {
  TwoNodes nodes;

  /** The application properties that select the store under test. */
  abstract Map<String, String> properties();

  /** The session cookie's name. */
  String sessionCookie() {
    return "SESSION";
  }

  Class<?>[] extraSources() {
    return new Class<?>[0];
  }

  @BeforeAll
  void start() throws Exception {
    nodes = new TwoNodes(properties(), extraSources());
  }

  @AfterAll
  void stop() throws Exception {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void aLoginOnOneNodeIsAuthenticatedOnBoth() throws Exception {
    Browser browser = nodes.browser();
    browser.logIn("alice", "alice-pw");
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      Browser.Page me = browser.get("/me");
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.body()).contains("You are alice");
      answeredBy.add(me.node());
    }
    assertThat(answeredBy).containsExactlyInAnyOrder("a", "b");
    for (int node = 0; node < 2; node++) { // and straight to each node, past the proxy
      assertThat(nodes.browserOn(node).copyOf(browser).get("/me").body()).contains("You are alice");
    }
  }

  @Test
  void thePreLoginSessionGetsNoSessionAfterTheLogin() throws Exception {
    Browser browser = nodes.browser();
    Browser.assertRedirect(browser.get("/"), "/login"); // the anonymous session: saved request, CSRF token
    String preLogin = browser.cookies.get(sessionCookie());
    assertThat(preLogin).isNotNull();
    Browser.Page login = browser.get("/login");
    Browser.assertRedirect(browser.post("/login", Map.of("username", "alice", "password", "alice-pw",
        "_csrf", login.csrf())), "/?continue");
    assertThat(browser.cookies.get(sessionCookie())).isNotNull().isNotEqualTo(preLogin);
    assertThat(browser.get("/me").body()).contains("You are alice");
    for (int node = 0; node < 2; node++) { // an attacker who planted (or copied) the pre-login id, on each node
      Browser planted = nodes.browserOn(node);
      planted.cookies.put(sessionCookie(), preLogin);
      Browser.assertRedirect(planted.get("/me"), "/login");
    }
  }

  @Test
  void theCounterKeepsCountingWhileRequestsMoveBetweenNodes() throws Exception {
    Browser browser = nodes.browser();
    browser.logIn("alice", "alice-pw"); // visit 1
    Set<String> answeredBy = new HashSet<>();
    for (long expected = 2; expected <= 7; expected++) {
      Browser.Page page = browser.get("/");
      assertThat(page.body()).contains("visit <b id=\"visits\">" + expected + "</b>");
      answeredBy.add(page.node());
    }
    assertThat(answeredBy).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aLogoutEndsTheSessionOnBothNodes() throws Exception {
    Browser browser = nodes.browser();
    Browser.Page home = browser.logIn("alice", "alice-pw");
    Browser copy = new Browser(nodes.proxy.port()).copyOf(browser); // a copy of the cookie, taken before the logout
    Browser.assertRedirect(browser.post("/logout", Map.of("_csrf", home.csrf())), "/login?logout");
    Browser.assertRedirect(browser.get("/me"), "/login");
    assertLoggedOutOnBothNodes(copy);
  }

  /** A copy of a logged-out session's cookie is refused by each node (at once, or within the store's bound). */
  void assertLoggedOutOnBothNodes(Browser copy) throws Exception {
    for (int node = 0; node < 2; node++) {
      Browser.assertRedirect(nodes.browserOn(node).copyOf(copy).get("/me"), "/login");
    }
  }

  @Test
  void anExceptionInAControllerShowsTheApplicationsErrorPage() throws Exception {
    Browser browser = nodes.browser();
    browser.logIn("alice", "alice-pw");
    for (int i = 0; i < 2; i++) { // on both nodes
      Browser.Page error = browser.get("/boom");
      assertThat(error.status()).isEqualTo(500);
      assertThat(error.body()).contains("The example application's own error page");
      assertThat(error.setCookies()).noneMatch(c -> c.startsWith("JSESSIONID"));
    }
    assertThat(browser.get("/me").body()).contains("You are alice");
    assertThat(browser.cookies).doesNotContainKey("JSESSIONID");
  }

  @Test
  void theMetricsAreOnBootsRegistryInPrometheus() throws Exception {
    Browser.Page scrape = nodes.browserOn(0).get("/actuator/prometheus");
    assertThat(scrape.status()).isEqualTo(200);
    assertMetrics(scrape.body());
  }

  void assertMetrics(String prometheus) {
    assertThat(prometheus).contains("loadstone_session_started_total", "loadstone_session_id_changed_total",
        "loadstone_session_destroyed_total", "loadstone_session_attributes_undecodable_total");
  }
}
