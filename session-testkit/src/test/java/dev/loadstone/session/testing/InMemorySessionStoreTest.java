package dev.loadstone.session.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest extends SessionStoreContract {
  /** The in-memory store passes the same contract as the Redis stores. */
  private InMemorySessionStore memory;

  @Override
  protected SessionStore newStore(SessionFactory factory) {
    memory = InMemorySessionStore.builder().sessions(factory).maximumSize(1000).movedGracePeriod(Duration.ofSeconds(10)).build();
    return memory;
  }

  @Override
  protected void writeRawAttribute(String id, String name, byte[] bytes) {
    Session s = store.load(id).orElseThrow();
    try {
      // Behind the store's back: replace the stored snapshot with one holding the raw bytes.
      Field f = memory.getClass().getDeclaredField("cache");
      f.setAccessible(true);
      @SuppressWarnings("unchecked")
      com.github.benmanes.caffeine.cache.Cache<String, Object> cache = (com.github.benmanes.caffeine.cache.Cache<String, Object>) f.get(memory);
      Object entry = cache.getIfPresent(id);
      Field dataField = entry.getClass().getDeclaredField("data");
      dataField.setAccessible(true);
      SessionData data = (SessionData) dataField.get(entry);
      Map<String, byte[]> attributes = new HashMap<>(data.attributes());
      attributes.put(name, bytes);
      SessionData changed = new SessionData(id, data.creationTime(), data.lastAccessedTime(), data.idleTimeout(),
          data.absoluteTimeout(), attributes, data.version(), data.principal());
      var ctor = entry.getClass().getDeclaredConstructors()[0];
      ctor.setAccessible(true);
      cache.put(id, ctor.newInstance(changed, null, null, 0L));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    assertThat(s).isNotNull();
  }

  @Override
  protected byte[] readRawAttribute(String id, String name) {
    try {
      Field f = memory.getClass().getDeclaredField("cache");
      f.setAccessible(true);
      @SuppressWarnings("unchecked")
      com.github.benmanes.caffeine.cache.Cache<String, Object> cache = (com.github.benmanes.caffeine.cache.Cache<String, Object>) f.get(memory);
      Object entry = cache.getIfPresent(id);
      Field dataField = entry.getClass().getDeclaredField("data");
      dataField.setAccessible(true);
      return ((SessionData) dataField.get(entry)).attributes().get(name);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aRequestThatLoadedBeforeTheIdChangeSavesIntoTheMovedSessionOnlyDuringTheGracePeriod() {
    Session s = saved(Map.of("a", "1"));
    Session early = store.load(s.id()).orElseThrow();
    Session late = store.load(s.id()).orElseThrow();
    Session moved = store.changeId(store.load(s.id()).orElseThrow());
    early.setAttribute("b", "within");
    store.save(early);
    clock.advance(Duration.ofSeconds(10));
    late.setAttribute("c", "after");
    store.save(late);
    Session back = store.load(moved.id()).orElseThrow();
    assertThat(back.getAttribute("b")).isEqualTo("within");
    assertThat(back.getAttribute("c")).isNull();
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void maximumSizeEvictsSessions() {
    InMemorySessionStore small = InMemorySessionStore.builder().sessions(factory).maximumSize(10).build();
    BlockingSessionStore blocking = BlockingSessionStore.of(small);
    for (int i = 0; i < 100; i++) {
      Session s = blocking.create();
      s.setAttribute("i", i);
      blocking.save(s);
    }
    assertThat(small.estimatedSize()).isLessThanOrEqualTo(10);
  }

  @Test
  void builderOptionsSetTwiceOrOutOfRangeAreErrors() {
    assertThatThrownBy(() -> InMemorySessionStore.builder().maximumSize(1).maximumSize(2)).hasMessage("maximumSize was already set");
    assertThatThrownBy(() -> InMemorySessionStore.builder().maximumSize(0)).hasMessage("maximumSize: 0 (expected: >= 1)");
    assertThatThrownBy(() -> SessionFactory.builder().touchShare(0.9)).hasMessage("touchShare: 0.9 (expected: 0..0.5)");
    assertThatThrownBy(() -> SessionFactory.builder().idleTimeout(Duration.ofSeconds(-1)))
        .hasMessage("idleTimeout: PT-1S (expected: >= 0, 0 = no idle limit)");
    assertThatThrownBy(() -> InMemorySessionStore.builder().expirySweepInterval(Duration.ZERO))
        .hasMessage("expirySweepInterval: PT0S (expected: > 0)");
  }
}
