package dev.loadstone.session.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys tokens are signed (or encrypted) with. Each key has an id that travels in the token, so keys can
 * rotate: the newest key (the last one listed) signs, every listed key verifies, and removing a key
 * invalidates every token it signed. Keys are at least 32 random bytes.
 *
 * <p>Text form (file, environment variable, {@link #parse}): entries {@code id=base64key}, separated by new
 * lines, commas or spaces; {@code #} starts a comment line. Base64 may be standard or URL-safe, padded or
 * not. Example: {@code 2026-01=3q2+7w...,2026-02=q83vEjRW...} (2026-02 signs).
 *
 * <p>Immutable; the operations that change the ring return a new one.
 */
public final class KeyRing {
  /** The smallest key accepted: 256 bits, the HMAC-SHA256 output size and the AES-256 key size. */
  public static final int MIN_KEY_BYTES = 32;

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private final Map<String, TokenKey> keys; // insertion order: oldest first
  private final TokenKey newest;

  private KeyRing(Map<String, TokenKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("key ring: no keys (expected: at least one id=base64key entry)");
    }
    this.keys = Collections.unmodifiableMap(keys);
    TokenKey last = null;
    for (TokenKey key : keys.values()) {
      last = key;
    }
    this.newest = last;
  }

  /** A ring with one key. */
  public static KeyRing of(String id, byte[] key) {
    Map<String, TokenKey> keys = new LinkedHashMap<>();
    keys.put(id, TokenKey.create(id, key));
    return new KeyRing(keys);
  }

  /** A ring with one fresh random key of 32 bytes (for a single process, or to share in memory). */
  public static KeyRing generate(String id, SecureRandom random) {
    byte[] key = new byte[MIN_KEY_BYTES];
    random.nextBytes(key);
    return of(id, key);
  }

  /** Parses the text form described in the class comment. */
  public static KeyRing parse(String text) {
    Map<String, TokenKey> keys = new LinkedHashMap<>();
    int position = 0;
    for (String line : text.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      for (String entry : trimmed.split("[,\\s]+")) {
        if (entry.isEmpty()) {
          continue;
        }
        position++;
        int eq = entry.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "key ring entry #" + position + ": no '=' (expected: id=base64key)");
        }
        String id = entry.substring(0, eq);
        byte[] key = decodeBase64(id, entry.substring(eq + 1));
        if (keys.containsKey(id)) {
          throw new IllegalArgumentException("key ring: key id '" + id + "' listed twice (expected: unique ids)");
        }
        keys.put(id, TokenKey.create(id, key));
      }
    }
    return new KeyRing(keys);
  }

  /** Reads the text form from a file (UTF-8). */
  public static KeyRing fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("key ring file " + file + ": cannot be read", e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key ring file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the text form from an environment variable of this process. */
  public static KeyRing fromEnvironment(String variable) {
    return fromEnvironment(variable, System.getenv());
  }

  /** Reads the text form from {@code environment.get(variable)} (the map is injectable for tests). */
  public static KeyRing fromEnvironment(String variable, Map<String, String> environment) {
    String text = environment.get(variable);
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "key ring variable " + variable + ": not set (expected: id=base64key entries)");
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key ring variable " + variable + ": " + e.getMessage(), e);
    }
  }

  /** This ring plus a new newest key (rotation step 1: add; old tokens keep verifying). */
  public KeyRing withNewestKey(String id, byte[] key) {
    if (keys.containsKey(id)) {
      throw new IllegalArgumentException("key id '" + id + "' is already in the ring (expected: a new id)");
    }
    Map<String, TokenKey> copy = new LinkedHashMap<>(keys);
    copy.put(id, TokenKey.create(id, key));
    return new KeyRing(copy);
  }

  /** This ring without a key (rotation step 2: every token that key signed stops verifying). */
  public KeyRing without(String id) {
    if (!keys.containsKey(id)) {
      throw new IllegalArgumentException("key id '" + id + "' is not in the ring (expected one of " + ids() + ")");
    }
    Map<String, TokenKey> copy = new LinkedHashMap<>(keys);
    copy.remove(id);
    return new KeyRing(copy);
  }

  /** Key ids, oldest first; the last one signs. */
  public List<String> ids() {
    return new ArrayList<>(keys.keySet());
  }

  /** The id of the key that signs new tokens. */
  public String signingKeyId() {
    return newest.id();
  }

  TokenKey newest() {
    return newest;
  }

  Optional<TokenKey> find(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  static void checkKeyId(String id) {
    if (id != null && id.length() > 32) {
      // Never echo it: a long "id" is most likely key material with the "id=" missing.
      throw new IllegalArgumentException("key id of " + id.length()
          + " chars (expected: 1 to 32 of A-Z a-z 0-9 _ -; is the 'id=' missing?)");
    }
    if (id == null || !KEY_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("key id '" + id + "' (expected: 1 to 32 of A-Z a-z 0-9 _ -)");
    }
  }

  static void checkKeyLength(String id, byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key '" + id + "': " + (key == null ? 0 : key.length) + " bytes (expected: at least " + MIN_KEY_BYTES
              + ")");
    }
  }

  private static byte[] decodeBase64(String id, String text) {
    String normalized = text.replace('-', '+').replace('_', '/');
    try {
      return Base64.getDecoder().decode(normalized);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key '" + id + "': not base64 (expected: id=base64key)", e);
    }
  }

  @Override
  public String toString() {
    return "KeyRing" + ids() + " (signing: " + newest.id() + ")";
  }
}
