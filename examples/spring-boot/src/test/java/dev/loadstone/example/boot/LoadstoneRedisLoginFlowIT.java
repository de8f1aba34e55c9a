package dev.loadstone.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flow on Loadstone's Redis store: the two lines of the starter's setup, nothing else. */
class LoadstoneRedisLoginFlowIT extends AbstractIndexedLoginFlowIT {
  @Override
  Map<String, String> properties() {
    return Map.of(
        "loadstone.session.store", "redis",
        "spring.autoconfigure.exclude", TwoNodes.springSessionAutoConfigurations(),
        // Counting commands per request: no background sweep inside the measured window (its cost is per node
        // and interval, one script per 10 s by default, not per request).
        "loadstone.session.redis.expiry-sweep-interval", "1h");
  }

  @Test
  void theActuatorListsAUsersSessionsAndLogsThemOutEverywhere() throws Exception {
    Browser one = nodes.browser();
    one.logIn("carol", "carol-pw");
    Browser admin = nodes.browserOn(1).basicAuth("admin", "admin-pw");
    Browser.Page listed = admin.get("/actuator/sessions?username=carol");
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    assertThat(listed.body()).contains("\"username\":\"carol\"").contains(one.cookies.get("SESSION"));
    assertThat(nodes.browserOn(1).get("/actuator/sessions?username=carol").status()).isEqualTo(401);

    Browser.Page ended = admin.delete("/actuator/sessions?username=carol");
    assertThat(ended.status()).isEqualTo(200);
    assertThat(ended.body()).contains("\"invalidated\":1");
    Browser.assertRedirect(one.get("/me"), "/login");
    Browser.assertRedirect(one.get("/me"), "/login");

    Browser two = nodes.browser(); // one session, ended by its id
    two.logIn("carol", "carol-pw");
    assertThat(admin.get("/actuator/sessions/" + two.cookies.get("SESSION")).body()).contains("\"principal\":\"carol\"");
    assertThat(admin.delete("/actuator/sessions/" + two.cookies.get("SESSION")).status()).isEqualTo(204);
    assertThat(admin.get("/actuator/sessions/" + two.cookies.get("SESSION")).status()).isEqualTo(404);
    Browser.assertRedirect(two.get("/me"), "/login");
  }

  @Override
  String storeName() {
    return "loadstone-redis";
  }

  /**
   * A read-only request costs the one HGETALL of its session (no touch is due within a tenth of the idle timeout,
   * and ConcurrentSessionFilter's check reads the session already loaded); a request that changes the session, one
   * more script.
   */
  @Override
  void checkRoundTrips(RoundTrips counted) {
    assertThat(counted.rows.get(1).sent()).isEqualTo(Map.of("HGETALL", 20L));
    assertThat(counted.rows.get(1).inScripts()).isEmpty();
    assertThat(counted.rows.get(2).sent()).isEqualTo(Map.of("HGETALL", 20L, "EVALSHA", 20L));
  }
}
