package dev.loadstone.health;

/**
 * The rise/fall hysteresis of active checks, as in HAProxy's {@code rise}/{@code fall} server options: an UP
 * backend goes DOWN after exactly {@code fall} consecutive failed checks, a DOWN one comes UP after exactly
 * {@code rise} consecutive passed checks, and any result that breaks a run starts the count again, so a
 * backend flapping within the thresholds never changes state. Not thread-safe; its owner serializes calls.
 */
final class RiseFall {
  private final int rise;
  private final int fall;
  private boolean up;
  private int run; // consecutive results pointing away from the current state

  RiseFall(boolean up, int rise, int fall) {
    this.up = up;
    this.rise = rise;
    this.fall = fall;
  }

  boolean isUp() {
    return up;
  }

  /** Records one check result; returns true exactly when it flips the state. */
  boolean record(boolean passed) {
    if (passed == up) {
      run = 0;
      return false;
    }
    run++;
    if (run >= (up ? fall : rise)) {
      up = !up;
      run = 0;
      return true;
    }
    return false;
  }

  /** Consecutive results so far that point away from the current state. */
  int run() {
    return run;
  }
}
