package dev.loadstone.session.redis;

import dev.loadstone.session.SessionData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session as one Redis hash: {@code #c} creation, {@code #a} last access (epoch ms), {@code #i} idle timeout,
 * {@code #x} absolute timeout (ms, 0 = none), {@code #v} version, {@code #p} principal, {@code a:<name>} attribute
 * bytes; a tombstone left by an id change holds only {@code #m} (the new id) and {@code #mv} (the version moved).
 */
final class Hashes {
  private Hashes() {}

  static final String ATTRIBUTE_PREFIX = "a:";

  /** A session as read from Redis, with its version. */
  record Loaded(SessionData data, long version) {}

  /** The session in {@code map}: empty when absent, a tombstone (an old id loads nothing), or expired at {@code now}. */
  static Optional<Loaded> parse(String id, Map<String, byte[]> map, Instant now) {
    byte[] created = map.get("#c");
    byte[] lastAccess = map.get("#a");
    byte[] idle = map.get("#i");
    byte[] absolute = map.get("#x");
    if (created == null || lastAccess == null || idle == null || absolute == null || map.containsKey("#m")) {
      return Optional.empty(); // absent, or moved away (the scripts never leave a hash without its metadata)
    }
    Map<String, byte[]> attributes = new HashMap<>();
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      if (e.getKey().startsWith(ATTRIBUTE_PREFIX)) {
        attributes.put(e.getKey().substring(ATTRIBUTE_PREFIX.length()), e.getValue());
      }
    }
    byte[] version = map.get("#v");
    byte[] principal = map.get("#p");
    long v = version == null ? 0 : number(version);
    SessionData data = new SessionData(id, Instant.ofEpochMilli(number(created)), Instant.ofEpochMilli(number(lastAccess)),
        Duration.ofMillis(number(idle)), Duration.ofMillis(number(absolute)), attributes, v,
        principal == null ? null : new String(principal, StandardCharsets.UTF_8));
    if (data.isExpired(now)) {
      return Optional.empty();
    }
    return Optional.of(new Loaded(data, v));
  }

  static long number(byte[] ascii) {
    return Long.parseLong(new String(ascii, StandardCharsets.US_ASCII));
  }

  static String status(List<Object> reply) {
    return reply.isEmpty() ? "" : text(reply.get(0));
  }

  static String text(Object value) {
    return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
  }

  static Map<String, byte[]> hashFromList(Object flat) {
    List<?> list = (List<?>) flat;
    Map<String, byte[]> map = new HashMap<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      map.put(new String((byte[]) list.get(i), StandardCharsets.UTF_8), (byte[]) list.get(i + 1));
    }
    return map;
  }

  static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
