package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

/** Settings' values as the text a user writes them in ({@code 2s}, {@code 127.0.0.1:8080}, {@code b1=127.0.0.1:9001,weight=3}). */
final class Shown {
  private Shown() {}

  static String text(Object v) {
    if (v == null) {
      return "none";
    }
    if (v instanceof Duration d) {
      return Durations.format(d);
    }
    if (v instanceof InetSocketAddress a) {
      return ConfigRules.hostPort(a);
    }
    if (v instanceof Algorithm a) {
      return a.flagName();
    }
    if (v instanceof Backend b) {
      return b.address() + ",weight=" + b.weight() + ",id=" + b.id();
    }
    if (v instanceof Collection<?> c) { // a YAML flow sequence, so that --check's output reads back as YAML
      return c.stream().map(Shown::text).map(t -> t.matches("[^,\\[\\]{}#&*!|>'\"%@` ]+") ? t : "\"" + t + "\"")
          .collect(Collectors.joining(", ", "[", "]"));
    }
    return v.toString();
  }
}
