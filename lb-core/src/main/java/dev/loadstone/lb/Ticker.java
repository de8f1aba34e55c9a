package dev.loadstone.lb;

/** A monotonic nanosecond time source; injected so that tests are exact and never sleep. */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
  long read();

  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
