package dev.loadstone.session;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Random;

/**
 * Session ids: at least 128 random bits (OWASP session management cheat sheet: at least 64 bits of entropy;
 * we take twice that) encoded base64url without padding. {@link #isWellFormed} lets stores treat a malformed
 * or oversized id as absent before touching the backing service.
 */
public final class SessionIds {
  /** The shortest id accepted: 16 bytes = 22 characters. */
  public static final int MIN_LENGTH = 22;
  /** The longest id accepted: 64 bytes = 86 characters. */
  public static final int MAX_LENGTH = 86;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final Random random;
  private final int bytes;

  private SessionIds(Random random, int bytes) {
    this.random = random;
    this.bytes = bytes;
  }

  /** 128-bit ids from a {@link SecureRandom}. */
  public static SessionIds secure() {
    return new SessionIds(new SecureRandom(), 16);
  }

  /**
   * Ids of {@code bytes} random bytes from {@code random} (inject a seeded source in tests only; production must
   * use a {@link SecureRandom}).
   */
  public static SessionIds of(Random random, int bytes) {
    Objects.requireNonNull(random, "random");
    if (bytes < 16 || bytes > 64) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: 16..64)");
    }
    return new SessionIds(random, bytes);
  }

  /** A fresh id. */
  public String next() {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return ENCODER.encodeToString(b);
  }

  /** True when {@code id} could be an id this class generates: 22..86 base64url characters. */
  public static boolean isWellFormed(String id) {
    if (id == null || id.length() < MIN_LENGTH || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The first characters of an id, for log lines (never log a whole id: it is a credential). */
  public static String prefix(String id) {
    return id == null ? "null" : id.substring(0, Math.min(6, id.length()));
  }
}
