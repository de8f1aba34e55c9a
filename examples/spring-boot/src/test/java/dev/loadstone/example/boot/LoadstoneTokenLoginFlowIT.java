package dev.loadstone.example.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The flow on the token store: the whole session in a signed cookie, with the revocation list in Redis so that a
 * logout (and the login's id change) voids copies of the old cookie. No {@code maximumSessions}: without a
 * server-side index the example leaves it out (see SecurityConfig).
 */
class LoadstoneTokenLoginFlowIT extends AbstractLoginFlowIT {
  static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @Override
  Map<String, String> properties() {
    return Map.of(
        "loadstone.session.store", "token",
        "loadstone.session.token.keys", "k1=" + KEY,
        "loadstone.session.token.revocation", "true",
        "loadstone.session.token.revocation-cache-ttl", "1s",
        "spring.autoconfigure.exclude", TwoNodes.springSessionAutoConfigurations());
  }

  /** The node that handled the logout refuses the old token at once; the other within its revocation cache TTL. */
  @Override
  void assertLoggedOutOnBothNodes(Browser copy) throws Exception {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> super.assertLoggedOutOnBothNodes(copy));
  }

  @Test
  void theSavedRequestNeverCarriesTheSessionCookie() throws Exception {
    Browser browser = nodes.browser();
    Browser.assertRedirect(browser.get("/"), "/login");
    String first = browser.cookies.get("SESSION");
    for (int i = 0; i < 5; i++) { // each visit to a protected page saves the request again, with its Cookie header
      Browser.assertRedirect(browser.get("/me?visit=" + i), "/login");
    }
    String last = browser.cookies.get("SESSION");
    assertThat(payload(last)).doesNotContain("SESSION").doesNotContain(first.substring(0, 40));
    assertThat(last.length()).isLessThan(first.length() + 200); // it does not snowball
    assertThat(browser.logIn("alice", "alice-pw").body()).contains("Hello alice");
  }

  @Test
  void aSessionThatOutgrowsTheCookieKeepsItsPreviousTokenAndIsAnsweredNormally() throws Exception {
    Browser browser = nodes.browser();
    browser.logIn("alice", "alice-pw");
    String before = browser.cookies.get("SESSION");
    Browser.Page big = browser.get("/big?kb=8");
    assertThat(big.status()).isEqualTo(200);
    assertThat(big.setCookies()).noneMatch(c -> c.startsWith("SESSION="));
    assertThat(browser.cookies.get("SESSION")).isEqualTo(before);
    assertThat(browser.get("/me").body()).contains("You are alice"); // never locked out
    assertThat(browser.get("/").body()).contains("visit <b id=\"visits\">2</b>"); // and it still saves
  }

  /** The readable payload of a signed token ({@code v1.<keyId>.<payload>.<tag>}). */
  static String payload(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[2]), StandardCharsets.UTF_8);
  }
}
