package dev.loadstone.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

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
}
