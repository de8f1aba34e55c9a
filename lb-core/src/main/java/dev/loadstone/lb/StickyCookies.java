package dev.loadstone.lb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies sticky-cookie values; used by {@link Balancers#sticky(Balancer.Factory, StickyCookies)}.
 *
 * <p>A value is base64url (no padding) of {@code version(1) | keyIdLength(1) | keyId | issuedAtSeconds(8,
 * big-endian) | backendId | HMAC-SHA256 tag(32)}, the tag covering everything before it. It names a backend
 * id and its issue time (wall clock, so that several proxies and restarts agree), never an address. Keys
 * rotate: the last key added signs, every listed key verifies, so a cookie stays valid until its key is
 * dropped from the list. Tags are compared in constant time. Reference: RFC 2104 (HMAC), RFC 4648 section 5
 * (base64url), RFC 6265 (cookie values).
 *
 * <p>Immutable and thread-safe; each thread keeps its own initialized {@link Mac} per key.
 */
public final class StickyCookies {
  static final int MIN_KEY_BYTES = 32;
  private static final int MAX_KEY_ID_LENGTH = 32;
  private static final int VERSION = 1;
  private static final int TAG_BYTES = 32;
  private static final int MAX_COOKIE_CHARS = 512;
  /** Cookies issued up to this far in the future (clock skew between proxies) are still accepted. */
  private static final long MAX_SKEW_SECONDS = 60;
  private static final String ALGORITHM = "HmacSHA256";

  private final SigningKey[] keys; // the last one signs
  private final Duration maxAge;
  private final long maxAgeSeconds;
  private final Clock clock;
  private final boolean moveDrainingClientsAtOnce;

  private StickyCookies(Builder b) {
    this.keys = b.keys.values().toArray(new SigningKey[0]);
    this.maxAge = b.maxAge;
    this.maxAgeSeconds = Math.max(1, b.maxAge.toSeconds());
    this.clock = b.clock;
    this.moveDrainingClientsAtOnce = b.moveDrainingClientsAtOnce;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A fresh cookie value naming this backend id, signed with the newest key and stamped with now. */
  public String encode(String backendId) {
    Backend.checkId(backendId);
    return encode(backendId, clock.millis() / 1000);
  }

  String encode(String backendId, long issuedAtSeconds) {
    SigningKey key = keys[keys.length - 1];
    byte[] id = backendId.getBytes(StandardCharsets.US_ASCII);
    int bodyLength = 2 + key.id.length + 8 + id.length;
    byte[] raw = new byte[bodyLength + TAG_BYTES];
    raw[0] = VERSION;
    raw[1] = (byte) key.id.length;
    System.arraycopy(key.id, 0, raw, 2, key.id.length);
    int p = 2 + key.id.length;
    for (int i = 7; i >= 0; i--) {
      raw[p++] = (byte) (issuedAtSeconds >>> (8 * i));
    }
    System.arraycopy(id, 0, raw, p, id.length);
    Mac mac = key.scratch.get().mac;
    mac.update(raw, 0, bodyLength);
    try {
      mac.doFinal(raw, bodyLength);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 failed", e); // the buffer is always large enough
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * The backend id a valid cookie names, or null when the value is missing, malformed, truncated, forged,
   * signed with a key that is not listed, or older than {@link Builder#maxAge(Duration) maxAge}. Never
   * throws.
   */
  public String verify(String cookie) {
    Verified v = verifyFull(cookie);
    return v == null ? null : v.backendId();
  }

  /** Verifies and returns the backend id and issue time; null when the cookie is not valid. Never throws. */
  Verified verifyFull(String cookie) {
    byte[] raw = decode(cookie);
    if (raw == null) {
      return null;
    }
    int keyIdLength = raw[1];
    int bodyLength = raw.length - TAG_BYTES;
    int idStart = 2 + keyIdLength + 8;
    if (raw[0] != VERSION || keyIdLength < 1 || idStart >= bodyLength) {
      return null; // also rejects an empty backend id
    }
    SigningKey key = find(raw, keyIdLength);
    if (key == null) {
      return null;
    }
    Scratch scratch = key.scratch.get();
    scratch.mac.update(raw, 0, bodyLength);
    try {
      scratch.mac.doFinal(scratch.expected, 0);
    } catch (GeneralSecurityException e) {
      return null; // cannot happen: the buffer is large enough
    }
    System.arraycopy(raw, bodyLength, scratch.actual, 0, TAG_BYTES);
    if (!MessageDigest.isEqual(scratch.expected, scratch.actual)) {
      return null;
    }
    long issued = 0;
    for (int i = 2 + keyIdLength; i < idStart; i++) {
      issued = issued << 8 | (raw[i] & 0xff);
    }
    long now = clock.millis() / 1000;
    if (now - issued >= maxAgeSeconds || issued - now > MAX_SKEW_SECONDS) {
      return null;
    }
    return new Verified(new String(raw, idStart, bodyLength - idStart, StandardCharsets.US_ASCII), issued);
  }

  record Verified(String backendId, long issuedAtSeconds) {}

  private static byte[] decode(String cookie) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > MAX_COOKIE_CHARS) {
      return null;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(cookie);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return raw.length < 2 + 1 + 8 + 1 + TAG_BYTES ? null : raw;
  }

  private SigningKey find(byte[] raw, int keyIdLength) {
    for (SigningKey k : keys) {
      if (k.id.length == keyIdLength && Arrays.equals(k.id, 0, keyIdLength, raw, 2, 2 + keyIdLength)) {
        return k;
      }
    }
    return null;
  }

  public Duration maxAge() {
    return maxAge;
  }

  /** The issue time (epoch seconds) after which an honoured cookie is re-issued: half of maxAge. */
  boolean isDueForReissue(long issuedAtSeconds) {
    return clock.millis() / 1000 - issuedAtSeconds >= maxAgeSeconds / 2;
  }

  /** Whether a DRAINING backend loses its sticky clients at once instead of at its drain deadline. */
  public boolean moveDrainingClientsAtOnce() {
    return moveDrainingClientsAtOnce;
  }

  /** The id of the key that signs new cookies. */
  public String signingKeyId() {
    return new String(keys[keys.length - 1].id, StandardCharsets.US_ASCII);
  }

  /** Per thread and key: an initialized Mac and two tag buffers, so verifying allocates no tag arrays. */
  private static final class Scratch {
    final Mac mac;
    final byte[] expected = new byte[TAG_BYTES];
    final byte[] actual = new byte[TAG_BYTES];

    Scratch(Mac mac) {
      this.mac = mac;
    }
  }

  private static final class SigningKey {
    final byte[] id;
    final ThreadLocal<Scratch> scratch;

    SigningKey(String keyId, byte[] secret) {
      this.id = keyId.getBytes(StandardCharsets.US_ASCII);
      SecretKeySpec spec = new SecretKeySpec(secret.clone(), ALGORITHM);
      newMac(spec); // fail at build time, not on the hot path
      this.scratch = ThreadLocal.withInitial(() -> new Scratch(newMac(spec)));
    }

    private static Mac newMac(SecretKeySpec spec) {
      try {
        Mac m = Mac.getInstance(ALGORITHM);
        m.init(spec);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
      }
    }
  }

  /** Builds {@link StickyCookies}. Each option except {@link #addKey} may be set once. */
  public static final class Builder {
    private final Map<String, SigningKey> keys = new LinkedHashMap<>();
    private Duration maxAge;
    private Clock clock;
    private Boolean moveDrainingClientsAtOnce;

    private Builder() {}

    /**
     * Adds a key (at least 32 bytes) under an id of 1..32 printable ASCII characters. The last key added
     * signs new cookies; all added keys verify. Repeatable; a repeated key id is an error.
     */
    public Builder addKey(String keyId, byte[] key) {
      if (keyId == null || keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH || !printable(keyId)) {
        throw new IllegalArgumentException(
            "sticky cookie key id: '" + keyId + "' (expected: 1.." + MAX_KEY_ID_LENGTH
                + " printable ASCII characters without spaces)");
      }
      Objects.requireNonNull(key, "key");
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException(
            "sticky cookie key '" + keyId + "': " + key.length + " bytes (expected: at least " + MIN_KEY_BYTES + " bytes)");
      }
      if (keys.containsKey(keyId)) {
        throw new IllegalArgumentException("sticky cookie key id: '" + keyId + "' (expected: a key id not already added)");
      }
      keys.put(keyId, new SigningKey(keyId, key));
      return this;
    }

    /** How long a cookie is honoured after it was issued; default 1 day. Honoured cookies are re-issued after half. */
    public Builder maxAge(Duration age) {
      if (maxAge != null) {
        throw new IllegalStateException("maxAge was already set");
      }
      if (age == null || age.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("sticky cookie maxAge: " + age + " (expected: >= 1s)");
      }
      maxAge = age;
      return this;
    }

    /** The wall clock that stamps and checks issue times; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock c) {
      if (clock != null) {
        throw new IllegalStateException("clock was already set");
      }
      clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * The pool's drain policy for sticky clients: false (the default) keeps a DRAINING backend's sticky
     * clients on it until its drain deadline; true moves them at once.
     */
    public Builder moveDrainingClientsAtOnce(boolean atOnce) {
      if (moveDrainingClientsAtOnce != null) {
        throw new IllegalStateException("moveDrainingClientsAtOnce was already set");
      }
      moveDrainingClientsAtOnce = atOnce;
      return this;
    }

    public StickyCookies build() {
      if (keys.isEmpty()) {
        throw new IllegalStateException("sticky cookie keys: none (expected: addKey(id, key) at least once)");
      }
      if (maxAge == null) {
        maxAge = Duration.ofDays(1);
      }
      if (clock == null) {
        clock = Clock.systemUTC();
      }
      if (moveDrainingClientsAtOnce == null) {
        moveDrainingClientsAtOnce = false;
      }
      return new StickyCookies(this);
    }

    private static boolean printable(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c <= 0x20 || c >= 0x7f) {
          return false;
        }
      }
      return true;
    }
  }
}
