package dev.loadstone.proxy.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSIX signal handlers through {@code sun.misc.Signal} (module jdk.unsupported; the JDK has no public API
 * for SIGHUP). Handlers run on the JVM's signal thread: keep them short or hand off.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Installs {@code action} for the signal ({@code "HUP"}, {@code "TERM"}, {@code "INT"}); false if the platform refuses. */
  @SuppressWarnings("sunapi")
  public static boolean on(String name, Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.warn("cannot handle SIG{} here: {}", name, e.getMessage());
      return false;
    }
  }
}
