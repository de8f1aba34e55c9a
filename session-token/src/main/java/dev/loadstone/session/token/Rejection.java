package dev.loadstone.session.token;

import java.util.Locale;

/** Why a presented token gave no session; the {@code reason} tag of the rejection counter. */
enum Rejection {
  /** Not four dot-separated base64url parts, or a part that does not decode. */
  MALFORMED,
  /** A format version this code does not read. */
  UNSUPPORTED_VERSION,
  /** Longer than any token this store issues. */
  TOO_LONG,
  /** Signed by a key id not (or no longer) in the key ring. */
  UNKNOWN_KEY,
  /** The HMAC or the AES-GCM tag does not match: tampered, truncated, or made with another key or mode. */
  BAD_TAG,
  /** Authentic but its payload does not decode (a bug or a retired payload layout). */
  BAD_PAYLOAD,
  /** Authentic but past its expiry. */
  EXPIRED,
  /** Authentic but its session was invalidated (revocation list). */
  REVOKED,
  /** A reference to spilled data that the spill store no longer has. */
  SPILL_MISSING;

  String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
