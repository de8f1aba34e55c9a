package dev.loadstone.session.redis;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import java.time.Duration;
import java.util.List;

/**
 * Loads Lettuce, Netty and the scripts once with generous timeouts before a test class runs, so the first test's
 * 500 ms command timeout measures Redis, not class loading on a busy 2-core machine.
 */
final class WarmUp {
  private WarmUp() {}

  static void standalone(String uri) {
    run(RedisSessionStore.builder().uri(uri));
  }

  static void cluster(List<String> seeds) {
    run(RedisSessionStore.builder().clusterSeeds(seeds));
  }

  private static void run(RedisSessionStoreBuilder builder) {
    try (BlockingSessionStore store = BlockingSessionStore.of(builder.sessions(SessionFactory.defaults())
        .commandTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(10)).build())) {
      for (int i = 0; i < 20; i++) {
        Session s = store.create();
        s.setAttribute("warm", i);
        store.save(s);
        store.changeId(store.load(s.id()).orElseThrow());
        store.delete(s.id());
      }
    }
  }
}
