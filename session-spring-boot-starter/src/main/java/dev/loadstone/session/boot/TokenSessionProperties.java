package dev.loadstone.session.boot;

import java.time.Duration;

/** store=token: the whole session in a signed (or encrypted) cookie. */
public class TokenSessionProperties {
  /** The key ring as text: id=base64key entries separated by commas or new lines; the last one signs. */
  private String keys;

  /** A file holding the key ring (instead of keys). */
  private String keysFile;

  /** AES-256-GCM instead of HMAC-SHA256 signing, so clients cannot read their session. */
  private boolean encrypt = false;

  /** Largest cookie value issued; a larger session spills to Redis (spill=true) or keeps its previous cookie. */
  private int maxCookieBytes = 3_800;

  /** An unchanged session gets a new token only when its token has less than this left; default half the idle timeout. */
  private Duration refreshThreshold;

  /** Record invalidated sessions in Redis (spring.data.redis.*) so copies of their tokens stop working at once. */
  private boolean revocation = false;

  /** How long a node trusts its cached answer from the revocation list (another node's logout takes this long here). */
  private Duration revocationCacheTtl = Duration.ofSeconds(5);

  /** Keep sessions too large for a cookie in Redis (spring.data.redis.*), the cookie carrying a signed reference. */
  private boolean spill = false;

  public String getKeys() {
    return keys;
  }

  public void setKeys(String keys) {
    this.keys = keys;
  }

  public String getKeysFile() {
    return keysFile;
  }

  public void setKeysFile(String keysFile) {
    this.keysFile = keysFile;
  }

  public boolean isEncrypt() {
    return encrypt;
  }

  public void setEncrypt(boolean encrypt) {
    this.encrypt = encrypt;
  }

  public int getMaxCookieBytes() {
    return maxCookieBytes;
  }

  public void setMaxCookieBytes(int maxCookieBytes) {
    this.maxCookieBytes = maxCookieBytes;
  }

  public Duration getRefreshThreshold() {
    return refreshThreshold;
  }

  public void setRefreshThreshold(Duration refreshThreshold) {
    this.refreshThreshold = refreshThreshold;
  }

  public boolean isRevocation() {
    return revocation;
  }

  public void setRevocation(boolean revocation) {
    this.revocation = revocation;
  }

  public Duration getRevocationCacheTtl() {
    return revocationCacheTtl;
  }

  public void setRevocationCacheTtl(Duration revocationCacheTtl) {
    this.revocationCacheTtl = revocationCacheTtl;
  }

  public boolean isSpill() {
    return spill;
  }

  public void setSpill(boolean spill) {
    this.spill = spill;
  }
}
