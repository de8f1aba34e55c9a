package dev.loadstone.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The flow for stores that index sessions by user across nodes (Loadstone's Redis store, and Spring Session's indexed
 * Redis repository as the reference): {@code maximumSessions(1)} enforced wherever each browser's requests land.
 */
abstract class AbstractIndexedLoginFlowIT extends AbstractLoginFlowIT {
  @Test
  void aSecondLoginOfTheSameUserLogsOutTheFirstBrowser() throws Exception {
    Browser first = nodes.browser();
    first.logIn("bob", "bob-pw");
    assertThat(first.get("/me").body()).contains("You are bob");
    Browser second = nodes.browser();
    second.logIn("bob", "bob-pw");
    Browser.assertRedirect(first.get("/me"), "/login?expired");
    Browser.assertRedirect(first.get("/me"), "/login"); // logged out: the expired session is gone
    for (int i = 0; i < 2; i++) { // the second browser goes on, on both nodes
      assertThat(second.get("/me").body()).contains("You are bob");
    }
  }

  /** A name for the measured store, and what to check of its counts. */
  abstract String storeName();

  abstract void checkRoundTrips(RoundTrips counted);

  @Test
  void theRedisCommandsOfEachStepAreCounted() throws Exception {
    Browser warm = nodes.browser(); // connections open, scripts loaded on the server: steady state is measured
    Browser.assertRedirect(warm.post("/logout", Map.of("_csrf", warm.logIn("dave", "dave-pw").csrf())), "/login?logout");
    Browser browser = nodes.browser();
    RoundTrips counted = new RoundTrips(nodes.redis);
    counted.measure("log in: GET /, GET /login, POST /login, GET /?continue", browser, () -> browser.logIn("dave", "dave-pw"));
    counted.measure("read-mostly page, 20 x GET /me", browser, () -> {
      for (int i = 0; i < 20; i++) {
        assertThat(browser.get("/me").body()).contains("You are dave");
      }
    });
    String[] csrf = new String[1];
    counted.measure("counter page (writes), 20 x GET /", browser, () -> {
      for (int i = 0; i < 20; i++) {
        csrf[0] = browser.get("/").csrf();
      }
    });
    counted.measure("log out: POST /logout", browser, () ->
        Browser.assertRedirect(browser.post("/logout", Map.of("_csrf", csrf[0])), "/login?logout"));
    counted.write(storeName() + "-boot" + System.getProperty("example.boot.line", "?"));
    checkRoundTrips(counted);
  }
}
