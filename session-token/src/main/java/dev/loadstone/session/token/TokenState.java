package dev.loadstone.session.token;

import dev.loadstone.session.Session;
import java.time.Instant;

/** What the token store keeps about one session between load and save (attached to its TrackedSession). */
final class TokenState {
  /** The token the client holds for this session; null before the first save. */
  String token;
  /** When {@link #token} expires. */
  Instant tokenExpiry;
  /** The spill store's session holding this session's data, when the data did not fit in a cookie. */
  Session spilled;
  /** The id changed since the token was issued: a new token is due. */
  boolean idChanged;

  TokenState(String token, Instant tokenExpiry, Session spilled) {
    this.token = token;
    this.tokenExpiry = tokenExpiry;
    this.spilled = spilled;
  }
}
