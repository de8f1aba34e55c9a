package dev.loadstone.session.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** spring.data.redis.* as Boot users set it, turned into the URIs session-redis takes. */
class SpringDataRedisTest {
  private static SpringDataRedis.Connection connection(String... properties) {
    MockEnvironment env = new MockEnvironment();
    for (String p : properties) {
      int eq = p.indexOf('=');
      env.setProperty(p.substring(0, eq), p.substring(eq + 1));
    }
    return SpringDataRedis.connection(SpringDataRedis.bind(env));
  }

  @Test
  void theDefaultsAreBootsLocalhost6379() {
    assertThat(connection().uri()).isEqualTo("redis://localhost:6379/0");
  }

  @Test
  void hostPortDatabaseAndCredentialsWithAnyCharactersReachLettuceIntact() {
    SpringDataRedis.Connection c = connection("spring.data.redis.host=cache.internal", "spring.data.redis.port=6380",
        "spring.data.redis.database=3", "spring.data.redis.username=app", "spring.data.redis.password=p@ss:w/rd %x",
        "spring.data.redis.timeout=250ms", "spring.data.redis.connect-timeout=1s");
    RedisURI uri = RedisURI.create(c.uri());
    assertThat(uri.getHost()).isEqualTo("cache.internal");
    assertThat(uri.getPort()).isEqualTo(6380);
    assertThat(uri.getDatabase()).isEqualTo(3);
    assertThat(uri.getUsername()).isEqualTo("app");
    assertThat(new String(uri.getPassword())).isEqualTo("p@ss:w/rd %x");
    assertThat(c.commandTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void urlSslSentinelAndClusterAreHonoured() {
    assertThat(connection("spring.data.redis.url=redis://h:1/2", "spring.data.redis.ssl.enabled=true").uri())
        .isEqualTo("rediss://h:1/2");
    RedisURI sentinel = RedisURI.create(connection("spring.data.redis.sentinel.master=mymaster",
        "spring.data.redis.sentinel.nodes=s1:26379,s2:26379", "spring.data.redis.password=pw").uri());
    assertThat(sentinel.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(sentinel.getSentinels()).hasSize(2);
    assertThat(new String(sentinel.getPassword())).isEqualTo("pw");
    assertThat(connection("spring.data.redis.cluster.nodes=n1:7000,n2:7001").clusterSeeds())
        .isEqualTo(List.of("redis://n1:7000", "redis://n2:7001"));
  }

  @Test
  void settingsThatCannotBeHonouredFailNamingTheKey() {
    assertThatThrownBy(() -> connection("spring.data.redis.ssl.bundle=mine"))
        .hasMessageStartingWith("spring.data.redis.ssl.bundle: mine (expected: not set;");
    assertThatThrownBy(() -> connection("spring.data.redis.sentinel.master=m", "spring.data.redis.sentinel.nodes=s:1",
        "spring.data.redis.sentinel.password=x")).hasMessageStartingWith("spring.data.redis.sentinel.password: set");
    assertThatThrownBy(() -> connection("spring.data.redis.masterreplica.nodes=a:1"))
        .hasMessageStartingWith("spring.data.redis.masterreplica.nodes: [a:1]");
  }
}
