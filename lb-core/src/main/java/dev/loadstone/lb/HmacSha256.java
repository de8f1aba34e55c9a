package dev.loadstone.lb;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 with the key's pad blocks absorbed once: {@code H((K ^ opad) || H((K ^ ipad) || m))} where
 * the SHA-256 states after {@code K ^ ipad} and {@code K ^ opad} are kept and cloned per message, so a MAC
 * of a short message costs two SHA-256 compressions instead of the four that re-absorbing both pads takes
 * ({@code javax.crypto.Mac} re-absorbs {@code K ^ ipad} after every {@code doFinal}).
 *
 * <p>Reference: RFC 2104 section 4 ("Implementation notes": precomputing the intermediate results after
 * the pads); the result equals {@code Mac.getInstance("HmacSHA256")} bit for bit (tests check it against
 * it and against RFC 4231's test vectors).
 *
 * <p>Not thread-safe: {@link #mac} clones the two prototypes, which must not be cloned concurrently; keep
 * one instance per thread ({@link #copy()} makes another from the same prototypes' state).
 */
final class HmacSha256 {
  static final int TAG_BYTES = 32;
  private static final int BLOCK_BYTES = 64;

  private final MessageDigest innerPrototype; // has absorbed K ^ ipad
  private final MessageDigest outerPrototype; // has absorbed K ^ opad
  private final byte[] innerHash = new byte[TAG_BYTES];

  /** Absorbs the key's pads; the key is not kept. Any key length (RFC 2104: longer keys are hashed first). */
  HmacSha256(byte[] key) {
    MessageDigest inner = sha256();
    byte[] k = key.length > BLOCK_BYTES ? sha256().digest(key) : key;
    byte[] pad = new byte[BLOCK_BYTES];
    for (int i = 0; i < BLOCK_BYTES; i++) {
      pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x36);
    }
    inner.update(pad);
    MessageDigest outer = sha256();
    for (int i = 0; i < BLOCK_BYTES; i++) {
      pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x5c);
    }
    outer.update(pad);
    Arrays.fill(pad, (byte) 0);
    this.innerPrototype = inner;
    this.outerPrototype = outer;
  }

  private HmacSha256(HmacSha256 from) {
    this.innerPrototype = cloneOf(from.innerPrototype);
    this.outerPrototype = cloneOf(from.outerPrototype);
  }

  /** Another instance for another thread, with the same pads already absorbed. */
  HmacSha256 copy() {
    return new HmacSha256(this);
  }

  /** Writes the 32-byte HMAC of {@code message[offset, offset + length)} to {@code out[outOffset..]}. */
  void mac(byte[] message, int offset, int length, byte[] out, int outOffset) {
    try {
      MessageDigest inner = cloneOf(innerPrototype);
      inner.update(message, offset, length);
      inner.digest(innerHash, 0, TAG_BYTES);
      MessageDigest outer = cloneOf(outerPrototype);
      outer.update(innerHash, 0, TAG_BYTES);
      outer.digest(out, outOffset, TAG_BYTES);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 digest failed", e); // the buffers always have 32 bytes
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  private static MessageDigest cloneOf(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this JDK's SHA-256 cannot be cloned (" + md.getProvider() + ")", e);
    }
  }
}
