package dev.loadstone.session.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One key of a {@link KeyRing}. The configured secret is never used directly: two sub-keys are derived
 * from it with HMAC-SHA256 over fixed labels (the "extract-then-expand" idea of HKDF, RFC 5869, with a
 * uniformly random input key), so the same secret never serves both HMAC signing and AES-GCM encryption.
 */
final class TokenKey {
  private static final byte[] MAC_LABEL = "loadstone token v1 mac".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENC_LABEL = "loadstone token v1 enc".getBytes(StandardCharsets.US_ASCII);

  private final String id;
  private final byte[] idBytes;
  private final SecretKeySpec macKey;
  private final SecretKeySpec encKey;
  private final ThreadLocal<Mac> macs;

  private TokenKey(String id, SecretKeySpec macKey, SecretKeySpec encKey) {
    this.id = id;
    this.idBytes = id.getBytes(StandardCharsets.US_ASCII);
    this.macKey = macKey;
    this.encKey = encKey;
    this.macs = ThreadLocal.withInitial(() -> newMac(macKey));
  }

  static TokenKey create(String id, byte[] secret) {
    KeyRing.checkKeyId(id);
    KeyRing.checkKeyLength(id, secret);
    Mac master = newMac(new SecretKeySpec(secret, "HmacSHA256"));
    SecretKeySpec mac = new SecretKeySpec(master.doFinal(MAC_LABEL), "HmacSHA256");
    SecretKeySpec enc = new SecretKeySpec(master.doFinal(ENC_LABEL), "AES");
    return new TokenKey(id, mac, enc);
  }

  String id() {
    return id;
  }

  byte[] idBytes() {
    return idBytes;
  }

  /** A per-thread HMAC-SHA256 instance keyed with the signing sub-key, reset and ready to use. */
  Mac mac() {
    Mac mac = macs.get();
    mac.reset();
    return mac;
  }

  SecretKeySpec encryptionKey() {
    return encKey;
  }

  SecretKeySpec macKey() {
    return macKey;
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "TokenKey[" + id + "]";
  }
}
