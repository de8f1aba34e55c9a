package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.testing.SessionStoreContract;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest extends SessionStoreContract {
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
      Field f = InMemorySessionStore.class.getDeclaredField("cache");
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
          data.absoluteTimeout(), attributes);
      var ctor = entry.getClass().getDeclaredConstructors()[0];
      ctor.setAccessible(true);
      cache.put(id, ctor.newInstance(changed, null, null));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    assertThat(s).isNotNull();
  }

  @Override
  protected byte[] readRawAttribute(String id, String name) {
    try {
      Field f = InMemorySessionStore.class.getDeclaredField("cache");
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
  void theOldIdStopsAnsweringAfterTheGracePeriod() {
    Session s = saved(Map.of("a", "1"));
    Session moved = store.changeId(store.load(s.id()).orElseThrow());
    clock.advance(Duration.ofSeconds(10));
    assertThat(store.load(s.id())).isEmpty();
    assertThat(store.load(moved.id())).isPresent();
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
    assertThatThrownBy(() -> SessionFactory.builder().idleTimeout(Duration.ZERO)).hasMessage("idleTimeout: PT0S (expected: > 0)");
  }
}
