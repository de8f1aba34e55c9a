package dev.loadstone.demo;

/** Where the demo applications keep their sessions. */
enum StoreKind {
  /** Signed tokens in the cookie, one key shared by the three applications (the default without Redis). */
  TOKEN,
  /** A Redis server given with --redis or REDIS_URL (the default when one is given). */
  REDIS,
  /** Each application's own memory: shows what breaks without shared sessions. */
  MEMORY
}
