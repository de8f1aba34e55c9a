package dev.loadstone.session.redis;

/** The default key layout, as the tests look at Redis directly. */
final class TestKeys {
  private TestKeys() {}

  static String session(String id) {
    return "loadstone:s:{" + id + "}";
  }
}
