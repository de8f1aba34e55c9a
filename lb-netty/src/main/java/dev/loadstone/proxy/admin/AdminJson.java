package dev.loadstone.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The admin API's one {@link ObjectMapper}, made on first use (the first admin call), not at start-up: making
 * it loads a few hundred classes, a tenth of a second or more that the first proxied request would wait for.
 */
final class AdminJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private AdminJson() {}
}
