package dev.loadstone.session.boot;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.redis.RedisRevocationLists;
import dev.loadstone.session.redis.RedisSessionStore;
import dev.loadstone.session.redis.RedisSessionStoreBuilder;
import dev.loadstone.session.token.KeyRing;
import dev.loadstone.session.token.TokenSessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;

/** Builds the store {@code loadstone.session.store} names, from the properties and {@code spring.data.redis.*}. */
final class Stores {
  private Stores() {}

  static InMemorySessionStore memory(SessionFactory sessions, LoadstoneSessionProperties p) {
    return InMemorySessionStore.builder()
        .sessions(sessions)
        .maximumSize(p.getMemory().getMaximumSize())
        .expirySweepInterval(p.getMemory().getExpirySweepInterval())
        .build();
  }

  static RedisSessionStore redis(SessionFactory sessions, RedisSessionProperties p, Environment environment) {
    return redisBuilder(sessions, p, environment).build();
  }

  private static RedisSessionStoreBuilder redisBuilder(SessionFactory sessions, RedisSessionProperties p,
      Environment environment) {
    SpringDataRedis.Connection c = SpringDataRedis.connection(SpringDataRedis.bind(environment));
    RedisSessionStoreBuilder redis = RedisSessionStore.builder().sessions(sessions);
    if (c.clusterSeeds() != null) {
      redis.clusterSeeds(c.clusterSeeds());
    } else {
      redis.uri(c.uri());
    }
    redis.commandTimeout(first(p.getCommandTimeout(), c.commandTimeout(), Duration.ofMillis(500)))
        .connectTimeout(first(p.getConnectTimeout(), c.connectTimeout(), Duration.ofSeconds(2)))
        .keyPrefix(p.getKeyPrefix())
        .expirySweepInterval(p.getExpirySweepInterval())
        .movedGracePeriod(p.getMovedGracePeriod())
        .expiredRetention(p.getExpiredRetention());
    NearCacheProperties near = p.getNearCache();
    if (near.getSize() > 0) {
      redis.nearCache(near.getSize()).nearCacheTtl(near.getTtl());
      if (near.getValidation() != null) {
        redis.nearCacheValidation(RedisSessionStore.NearCacheValidation.valueOf(near.getValidation().name()));
      }
    }
    return redis;
  }

  /** What a token store uses besides itself (its revocation list, its spill store), closed after it. */
  static final class TokenResources implements AutoCloseable {
    private final List<AutoCloseable> owned = new ArrayList<>();

    <T extends AutoCloseable> T own(T resource) {
      owned.add(resource);
      return resource;
    }

    @Override
    public void close() throws Exception {
      for (AutoCloseable c : owned) {
        c.close();
      }
      owned.clear();
    }
  }

  static TokenSessionStore token(SessionFactory sessions, LoadstoneSessionProperties p, Environment environment,
      TokenResources resources) {
    TokenSessionProperties t = p.getToken();
    TokenSessionStore.Builder token = TokenSessionStore.builder()
        .sessions(sessions)
        .keyRing(keyRing(t))
        .encrypt(t.isEncrypt())
        .maxCookieBytes(t.getMaxCookieBytes())
        .revocationCacheTtl(t.getRevocationCacheTtl());
    if (t.getRefreshThreshold() != null) {
      token.refreshThreshold(t.getRefreshThreshold());
    }
    if (t.isRevocation()) {
      SpringDataRedis.Connection c = SpringDataRedis.connection(SpringDataRedis.bind(environment));
      Duration timeout = first(p.getRedis().getCommandTimeout(), c.commandTimeout(), Duration.ofMillis(500));
      String prefix = p.getRedis().getKeyPrefix() + "revoked:";
      RevocationList list = c.clusterSeeds() != null ? RedisRevocationLists.connectCluster(c.clusterSeeds(), timeout)
          : RedisRevocationLists.connect(c.uri(), timeout, prefix);
      token.revocationList(resources.own(list));
    }
    if (t.isSpill()) {
      token.spillTo(resources.own(redis(sessions, p.getRedis(), environment)));
    }
    return token.build();
  }

  private static KeyRing keyRing(TokenSessionProperties t) {
    if (t.getKeys() != null && t.getKeysFile() != null) {
      throw new IllegalStateException("loadstone.session.token.keys and keys-file: both set (expected: one of them)");
    }
    if (t.getKeysFile() != null) {
      return KeyRing.fromFile(Path.of(t.getKeysFile()));
    }
    if (t.getKeys() == null || t.getKeys().isBlank()) {
      throw new IllegalStateException("loadstone.session.store=token: no key ring (expected: loadstone.session.token.keys="
          + "id=base64key[,...] (e.g. from an environment variable: ${SESSION_KEYS}) or loadstone.session.token.keys-file; "
          + "make a key with: head -c 32 /dev/urandom | base64)");
    }
    return KeyRing.parse(t.getKeys());
  }

  private static <T> T first(T a, T b, T c) {
    return a != null ? a : b != null ? b : c;
  }
}
