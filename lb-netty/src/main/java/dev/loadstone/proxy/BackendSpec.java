package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;

/** Parses {@code host:port[,weight=N][,id=NAME]}, the form of {@code --backend} and of YAML backend strings. */
final class BackendSpec {
  private BackendSpec() {}

  static Backend parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("backend: '" + spec + "' (expected: host:port[,weight=N][,id=NAME])");
    }
    if (spec.startsWith("https://") || spec.startsWith("http://")) {
      throw new IllegalArgumentException("backend '" + spec + "': a URL (expected: host:port; backend-tls: true speaks TLS to every backend)");
    }
    String[] parts = spec.split(",", -1);
    String id = null;
    int weight = 1;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.startsWith("weight=")) {
        try {
          weight = Integer.parseInt(p.substring(7));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("backend '" + spec + "': weight '" + p.substring(7) + "' (expected: 1..1000)");
        }
      } else if (p.startsWith("id=")) {
        id = p.substring(3);
      } else {
        throw new IllegalArgumentException(
            "backend '" + spec + "': '" + p + "' (expected: host:port[,weight=N][,id=NAME])");
      }
    }
    try {
      return Backend.of(id, parts[0].trim(), weight);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("backend '" + spec + "': " + e.getMessage(), e);
    }
  }
}
