package dev.loadstone.proxy.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The bearer token that mutating admin calls must present. Compared in constant time: both sides are hashed
 * with SHA-256 and the digests compared with {@link MessageDigest#isEqual}, so neither the content nor the
 * length of the token leaks through timing.
 */
public final class AdminToken {
  /** The environment variable read when no token file is given. */
  public static final String ENV = "LOADSTONE_ADMIN_TOKEN";
  private static final int MIN_LENGTH = 16;

  private final byte[] digest;

  private AdminToken(String token) {
    if (token == null || token.length() < MIN_LENGTH || token.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
      throw new IllegalArgumentException("admin token: " + (token == null ? "null" : token.length() + " characters")
          + " (expected: at least " + MIN_LENGTH + " printable ASCII characters without spaces)");
    }
    this.digest = sha256(token);
  }

  public static AdminToken of(String token) {
    return new AdminToken(token);
  }

  /** The token in a file (surrounding whitespace and a trailing newline are ignored). */
  public static AdminToken fromFile(Path file) {
    try {
      return new AdminToken(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new IllegalArgumentException("admin token file: '" + file + "' (expected: a readable file): " + e.getMessage(), e);
    }
  }

  /** The token from {@code LOADSTONE_ADMIN_TOKEN}, or null when it is unset or empty. */
  public static AdminToken fromEnvironment() {
    String v = System.getenv(ENV);
    return v == null || v.isBlank() ? null : new AdminToken(v.strip());
  }

  /**
   * Whether an {@code Authorization} header value is {@code Bearer <this token>}, or HTTP Basic (RFC 7617) with
   * this token as the password and any user name (how a browser sends it after the admin server's prompt).
   */
  public boolean matches(String authorizationHeader) {
    String presented = "";
    if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = authorizationHeader.substring(7).strip();
    } else if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6)) {
      presented = basicPassword(authorizationHeader.substring(6).strip());
    }
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  private static String basicPassword(String credentials) {
    try {
      String userPass = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
      int colon = userPass.indexOf(':');
      return colon < 0 ? "" : userPass.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return ""; // not base64: matches no token
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "AdminToken(****)";
  }
}
