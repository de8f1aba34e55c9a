package dev.loadstone.lb;

/**
 * A 64-bit string hash for consistent hashing: MurmurHash3's x64 block mixing over the string's UTF-16
 * code units, four per 64-bit block, finished with MurmurHash3's {@code fmix64} avalanche.
 *
 * <p>Reference: Austin Appleby, MurmurHash3 ({@code MurmurHash3_x64_128}, public domain). Hashing the
 * UTF-16 units directly avoids encoding (no allocation); the value is stable across JVMs and platforms, so
 * two proxies agree on every key.
 */
final class Hashing {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private Hashing() {}

  static long hash64(CharSequence s, long seed) {
    int len = s.length();
    long h = seed;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      long k = s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32 | (long) s.charAt(i + 3) << 48;
      h ^= mixK(k);
      h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }
    if (i < len) {
      long k = 0;
      for (int shift = 0; i < len; i++, shift += 16) {
        k |= (long) s.charAt(i) << shift;
      }
      h ^= mixK(k);
    }
    return fmix64(h ^ len);
  }

  private static long mixK(long k) {
    k *= C1;
    k = Long.rotateLeft(k, 31);
    return k * C2;
  }

  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
