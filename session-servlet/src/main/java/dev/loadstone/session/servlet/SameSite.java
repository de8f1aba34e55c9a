package dev.loadstone.session.servlet;

import java.util.Locale;

/** The cookie's SameSite attribute (RFC 6265bis); {@link #OMIT} sends none. */
public enum SameSite {
  LAX("Lax"),
  STRICT("Strict"),
  NONE("None"),
  OMIT(null);

  private final String attribute;

  SameSite(String attribute) {
    this.attribute = attribute;
  }

  /** The attribute value, or null for {@link #OMIT}. */
  public String attribute() {
    return attribute;
  }

  /** Lax, Strict, None (any case) or omit. */
  public static SameSite parse(String text) {
    for (SameSite s : values()) {
      if (s.name().equals(text.strip().toUpperCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("sameSite: '" + text + "' (expected: Lax, Strict, None or omit)");
  }
}
