package dev.loadstone.session.testing;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.IndexedSessionStore;
import dev.loadstone.session.PrincipalResolver;
import dev.loadstone.session.SessionEventListener;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every contract test starts from: a mutable clock, a meter registry, a factory and the store under test. */
public abstract class StoreContractBase {
  public record Cart(String owner, List<String> items) {}

  protected MutableClock clock;
  protected SimpleMeterRegistry meters;
  protected SessionFactory factory;
  protected BlockingSessionStore store;

  /** A store over {@code factory}; called once per test (and again for a second "node" where a test needs it). */
  protected abstract SessionStore newStore(SessionFactory factory);

  /** Writes raw attribute bytes into a stored session, behind the store's back (a value from another deploy). */
  protected abstract void writeRawAttribute(String id, String name, byte[] bytes);

  /** The raw attribute bytes as stored (null when absent), read behind the store's back. */
  protected abstract byte[] readRawAttribute(String id, String name);

  protected SessionFactory.Builder factoryBuilder() {
    return SessionFactory.builder()
        .clock(clock)
        .meterRegistry(meters)
        .codec(JsonSessionCodec.builder().register("cart", Cart.class).build());
  }

  @BeforeEach
  void setUpContract() {
    clock = MutableClock.startingNow();
    meters = new SimpleMeterRegistry();
    factory = factoryBuilder().build();
    store = BlockingSessionStore.of(newStore(factory));
  }

  @AfterEach
  void tearDownContract() {
    store.close();
  }

  protected Session saved(Map<String, Object> attributes) {
    Session s = store.create();
    attributes.forEach(s::setAttribute);
    assertThat(store.save(s)).isEqualTo(s.id());
    return s;
  }

}
