package dev.loadstone.session.security;

import dev.loadstone.session.JsonBinder;

/**
 * Binds Spring Security's types with a mapper that has Security's Jackson modules (and the default typing they
 * switch on, restricted to Security's allowlist), and every other registered type with the application's own
 * mapper as it is: the application's records and POJOs never need to be on Security's allowlist.
 */
record ByTypeBinder(JsonBinder security, JsonBinder application) implements JsonBinder {
  @Override
  public String write(Object value) {
    return (SecurityTypes.isSecurityType(value.getClass()) ? security : application).write(value);
  }

  @Override
  public Object read(String json, Class<?> type) {
    return (SecurityTypes.isSecurityType(type) ? security : application).read(json, type);
  }

  @Override
  public String toString() {
    return "security: " + security + ", others: " + application;
  }
}
