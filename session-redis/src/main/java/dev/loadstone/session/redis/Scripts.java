package dev.loadstone.session.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts (in {@code src/main/resources/dev/loadstone/session/redis/}) that make each write one atomic
 * round trip on the keys of one slot, so they also work in a Cluster. Each is sent as {@code EVALSHA}, and once as
 * {@code EVAL} after a {@code NOSCRIPT} (first use on a server, or after it restarted). The ones that need time
 * start with {@code prologue.lua}: Redis's clock, and the expiry rule.
 */
final class Scripts {
  private Scripts() {}

  static final Script SAVE = load("save.lua", true);
  static final Script MOVE = load("move.lua", true);
  static final Script DELETE = load("delete.lua", false);
  static final Script DUE = load("due.lua", true);
  static final Script CLAIM = load("claim.lua", true);
  static final Script LOAD_IF_CHANGED = load("load_if_changed.lua", false);
  static final Script PRINCIPAL = load("principal.lua", false);

  private static Script load(String name, boolean timed) {
    String source = read(name);
    return new Script(timed ? read("prologue.lua") + source : source);
  }

  private static String read(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Script(String source, String sha) {
    Script(String source) {
      this(source, sha1(source));
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
