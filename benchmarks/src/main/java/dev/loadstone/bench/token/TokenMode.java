package dev.loadstone.bench.token;

/** The two token modes, compared in one benchmark. */
public enum TokenMode {
  SIGNED(false),
  ENCRYPTED(true);

  final boolean encrypt;

  TokenMode(boolean encrypt) {
    this.encrypt = encrypt;
  }
}
