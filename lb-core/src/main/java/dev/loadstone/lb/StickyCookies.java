package dev.loadstone.lb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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
 * <p>Immutable and thread-safe; each thread keeps its own {@link HmacSha256} per key (the key's HMAC pads
 * absorbed once) and decode buffer.
 */
public final class StickyCookies {
  static final int MIN_KEY_BYTES = 32;
  private static final int MAX_KEY_ID_LENGTH = 32;
  private static final int VERSION = 1;
  private static final int TAG_BYTES = 32;
  private static final int MAX_COOKIE_CHARS = 512;
  /** Cookies issued up to this far in the future (clock skew between proxies) are still accepted. */
  private static final long MAX_SKEW_SECONDS = 60;
  private static final int MIN_RAW_BYTES = 2 + 1 + 8 + 1 + TAG_BYTES;
  private static final byte[] DECODE = new byte[128];

  static {
    Arrays.fill(DECODE, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      DECODE[alphabet.charAt(i)] = (byte) i;
    }
  }

  private final SigningKey[] keys; // the last one signs
  private final Duration maxAge;
  private final long maxAgeSeconds;
  private final Clock clock;
  private final boolean moveDrainingClientsAtOnce;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

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
    scratch.get().mac(keys.length - 1).mac(raw, 0, bodyLength, raw, bodyLength);
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
    Scratch scratch = this.scratch.get();
    byte[] raw = scratch.raw;
    int length = decode(cookie, raw);
    if (length < MIN_RAW_BYTES) {
      return null; // also -1: not base64url
    }
    int keyIdLength = raw[1];
    int bodyLength = length - TAG_BYTES;
    int idStart = 2 + keyIdLength + 8;
    if (raw[0] != VERSION || keyIdLength < 1 || idStart >= bodyLength) {
      return null; // also rejects an empty backend id
    }
    int key = find(raw, keyIdLength);
    if (key < 0) {
      return null;
    }
    scratch.mac(key).mac(raw, 0, bodyLength, scratch.expected, 0);
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

  /**
   * Decodes unpadded base64url (RFC 4648 section 5) into {@code out}; returns the byte count, or -1 when the
   * value is null, longer than {@link #MAX_COOKIE_CHARS}, or not canonical unpadded base64url (a character
   * outside the alphabet, padding, a length of 4k+1, or non-zero unused bits in the last character).
   * Written out instead of using {@link Base64.Decoder} because that one cannot decode a String into a
   * reused buffer: it allocates the String's bytes and the output on every call.
   */
  static int decode(String cookie, byte[] out) {
    if (cookie == null) {
      return -1;
    }
    int len = cookie.length();
    if (len == 0 || len > MAX_COOKIE_CHARS || (len & 3) == 1) {
      return -1;
    }
    int full = len & ~3;
    int o = 0;
    int bad = 0;
    for (int i = 0; i < full; i += 4) {
      int v = sextet(cookie.charAt(i)) << 18 | sextet(cookie.charAt(i + 1)) << 12
          | sextet(cookie.charAt(i + 2)) << 6 | sextet(cookie.charAt(i + 3));
      bad |= v;
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
    }
    int rest = len - full;
    if (rest != 0) {
      int v = sextet(cookie.charAt(full)) << 18 | sextet(cookie.charAt(full + 1)) << 12
          | (rest == 3 ? sextet(cookie.charAt(full + 2)) << 6 : 0);
      if ((rest == 2 ? v & 0xffff : v & 0xff) != 0) {
        return -1; // unused bits must be zero (canonical encoding)
      }
      bad |= v;
      out[o++] = (byte) (v >> 16);
      if (rest == 3) {
        out[o++] = (byte) (v >> 8);
      }
    }
    return bad < 0 ? -1 : o; // an invalid character's -1 makes its group negative
  }

  private static int sextet(char c) {
    return c < 128 ? DECODE[c] : -1;
  }

  /** The index of the key named in the cookie, or -1. */
  private int find(byte[] raw, int keyIdLength) {
    for (int i = keys.length - 1; i >= 0; i--) { // the signing key first: most cookies carry it
      byte[] id = keys[i].id;
      if (id.length == keyIdLength && Arrays.equals(id, 0, keyIdLength, raw, 2, 2 + keyIdLength)) {
        return i;
      }
    }
    return -1;
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

  /**
   * Per thread: a decode buffer, two tag buffers and, per key, an {@link HmacSha256} with the key's pads
   * already absorbed, so verifying allocates only the MessageDigest clones and the result.
   */
  private final class Scratch {
    final byte[] raw = new byte[MAX_COOKIE_CHARS / 4 * 3];
    final byte[] expected = new byte[TAG_BYTES];
    final byte[] actual = new byte[TAG_BYTES];
    private final HmacSha256[] macs = new HmacSha256[keys.length];

    HmacSha256 mac(int key) {
      HmacSha256 m = macs[key];
      if (m == null) {
        m = keys[key].mac.copy();
        macs[key] = m;
      }
      return m;
    }
  }

  private static final class SigningKey {
    final byte[] id;
    final HmacSha256 mac; // the prototype each thread copies; never used to compute a tag itself

    SigningKey(String keyId, byte[] secret) {
      this.id = keyId.getBytes(StandardCharsets.US_ASCII);
      this.mac = new HmacSha256(secret);
      mac.copy(); // fail at build time, not on the hot path, if SHA-256 cannot be cloned
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
