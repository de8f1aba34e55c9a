package dev.loadstone.session.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The wire form of a token: {@code v1.<keyId>.<payload>.<tag>}, all parts base64url without padding.
 *
 * <p>Signed mode: payload is the plain payload, tag is HMAC-SHA256 over the ASCII text {@code
 * v1.<keyId>.<payload>}. Encrypted mode: payload is a random 96-bit nonce followed by the AES-256-GCM
 * ciphertext, tag is the 128-bit GCM tag, and {@code v1.<keyId>} is the associated data (NIST SP 800-38D).
 *
 * <p>The mode is configuration, never read from the token (unlike JWT's {@code alg}, the cause of the
 * classic "alg: none" and HMAC/RSA confusion downgrades): a token made in the other mode simply fails its
 * tag check. Tags are compared with {@link MessageDigest#isEqual}, which takes time independent of where the
 * bytes differ.
 */
final class TokenFormat {
  static final String VERSION = "v1";
  private static final byte[] VERSION_DOT = (VERSION + ".").getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 12;
  private static final int GCM_TAG_BITS = 128;
  /** base64url characters of a 32-byte HMAC-SHA256 tag, without padding. */
  private static final int TAG_CHARS = 43;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(TokenFormat::newCipher);

  private final boolean encrypt;
  private final SecureRandom random;

  TokenFormat(boolean encrypt, SecureRandom random) {
    this.encrypt = encrypt;
    this.random = random;
  }

  boolean encrypts() {
    return encrypt;
  }

  String seal(byte[] payload, TokenKey key) {
    if (!encrypt) {
      return sign(payload, key);
    }
    String header = VERSION + "." + key.id() + ".";
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.ENCRYPT_MODE, key.encryptionKey(), new GCMParameterSpec(GCM_TAG_BITS, nonce));
      cipher.updateAAD(aad(key.id()));
      sealed = cipher.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    int ctLength = sealed.length - GCM_TAG_BITS / 8;
    byte[] body = new byte[NONCE_BYTES + ctLength];
    System.arraycopy(nonce, 0, body, 0, NONCE_BYTES);
    System.arraycopy(sealed, 0, body, NONCE_BYTES, ctLength);
    byte[] tag = new byte[GCM_TAG_BITS / 8];
    System.arraycopy(sealed, ctLength, tag, 0, tag.length);
    return header + B64.encodeToString(body) + "." + B64.encodeToString(tag);
  }

  /** The payload of an authentic token, or why there is none. Never throws for any input. */
  Opened open(String token, KeyRing keys) {
    int d1 = token.indexOf('.');
    int d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
    int d3 = d2 < 0 ? -1 : token.indexOf('.', d2 + 1);
    if (d3 < 0 || token.indexOf('.', d3 + 1) >= 0) {
      return Opened.rejected(Rejection.MALFORMED);
    }
    if (!VERSION.equals(token.substring(0, d1))) {
      return Opened.rejected(Rejection.UNSUPPORTED_VERSION);
    }
    TokenKey key = keys.find(token.substring(d1 + 1, d2)).orElse(null);
    if (key == null) {
      return Opened.rejected(Rejection.UNKNOWN_KEY);
    }
    // One copy of the text as bytes (what Base64.Decoder.decode(String) would make for each part anyway);
    // the parts are decoded and the MAC computed in place on it.
    byte[] text = token.getBytes(StandardCharsets.ISO_8859_1);
    byte[] body;
    byte[] tag;
    try {
      body = decode(text, d2 + 1, d3);
      tag = decode(text, d3 + 1, text.length);
    } catch (IllegalArgumentException e) {
      return Opened.rejected(Rejection.MALFORMED);
    }
    if (!encrypt) {
      Mac mac = key.mac();
      mac.update(text, 0, d3);
      byte[] expected = mac.doFinal();
      return MessageDigest.isEqual(expected, tag) ? Opened.ok(body) : Opened.rejected(Rejection.BAD_TAG);
    }
    if (body.length < NONCE_BYTES || tag.length != GCM_TAG_BITS / 8) {
      return Opened.rejected(Rejection.MALFORMED);
    }
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.encryptionKey(),
          new GCMParameterSpec(GCM_TAG_BITS, body, 0, NONCE_BYTES));
      cipher.updateAAD(aad(key.id()));
      byte[] sealed = new byte[body.length - NONCE_BYTES + tag.length];
      System.arraycopy(body, NONCE_BYTES, sealed, 0, body.length - NONCE_BYTES);
      System.arraycopy(tag, 0, sealed, body.length - NONCE_BYTES, tag.length);
      return Opened.ok(cipher.doFinal(sealed));
    } catch (AEADBadTagException e) {
      return Opened.rejected(Rejection.BAD_TAG);
    } catch (GeneralSecurityException e) {
      return Opened.rejected(Rejection.BAD_TAG);
    }
  }

  /**
   * Signed mode, building the token text once: {@code v1.<keyId>.} and the base64url payload are written
   * into one byte array, the MAC is computed over that prefix in place, the tag is appended, and the array
   * becomes the (Latin-1, so byte-per-char) token string. The previous form went byte[] -> String ->
   * concatenation -> byte[] -> concatenation, copying the payload five times.
   */
  private static String sign(byte[] payload, TokenKey key) {
    byte[] idBytes = key.idBytes();
    int headerLength = VERSION_DOT.length + idBytes.length + 1;
    byte[] encoded = B64.encode(payload);
    int signedLength = headerLength + encoded.length;
    byte[] text = new byte[signedLength + 1 + TAG_CHARS];
    System.arraycopy(VERSION_DOT, 0, text, 0, VERSION_DOT.length);
    System.arraycopy(idBytes, 0, text, VERSION_DOT.length, idBytes.length);
    text[headerLength - 1] = '.';
    System.arraycopy(encoded, 0, text, headerLength, encoded.length);
    Mac mac = key.mac();
    mac.update(text, 0, signedLength);
    byte[] tag = B64.encode(mac.doFinal());
    text[signedLength] = '.';
    System.arraycopy(tag, 0, text, signedLength + 1, TAG_CHARS);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** Base64url-decodes {@code text[from, to)} without making a String of it first. */
  private static byte[] decode(byte[] text, int from, int to) {
    ByteBuffer decoded = B64D.decode(ByteBuffer.wrap(text, from, to - from));
    byte[] array = decoded.array();
    return decoded.arrayOffset() == 0 && decoded.position() == 0 && decoded.limit() == array.length
        ? array
        : Arrays.copyOfRange(array, decoded.arrayOffset() + decoded.position(),
            decoded.arrayOffset() + decoded.limit());
  }

  private static byte[] aad(String keyId) {
    return (VERSION + "." + keyId).getBytes(StandardCharsets.US_ASCII);
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available in this JVM", e);
    }
  }

  /** The outcome of {@link #open}: a payload or a rejection. */
  static final class Opened {
    final byte[] payload;
    final Rejection rejection;

    private Opened(byte[] payload, Rejection rejection) {
      this.payload = payload;
      this.rejection = rejection;
    }

    static Opened ok(byte[] payload) {
      return new Opened(payload, null);
    }

    static Opened rejected(Rejection rejection) {
      return new Opened(null, rejection);
    }
  }
}
