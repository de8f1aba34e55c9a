package dev.loadstone.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The proxy's default logging, set up in code (a {@link Configurator} found as a service): INFO and above on
 * stderr as {@code 20:17:33.751 INFO  [main] ProxyServer - ...} ({@link LogLine}). The same as a
 * {@code logback.xml} would say, without Logback's XML parsing, configuration model and pattern compiler, which
 * took about half a second of every start.
 *
 * <p>A configuration of one's own still wins: with {@code -Dlogback.configurationFile=...}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path (tests, an embedding application), this
 * does nothing and Logback configures itself as usual; {@code -Dloadstone.logging=defaults} applies these
 * defaults all the same (the tests' child proxies: the production logging with the tests' class path).
 */
public final class LogDefaults extends ContextAwareBase implements Configurator {
  /** What {@link LogLine} writes, in Logback's pattern language. */
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (ownConfiguration()) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogLine layout = new LogLine();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    context.getLogger("io.netty").setLevel(Level.INFO);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static boolean ownConfiguration() {
    if ("defaults".equals(System.getProperty("loadstone.logging"))) {
      return false;
    }
    if (System.getProperty("logback.configurationFile") != null) {
      return true;
    }
    ClassLoader loader = LogDefaults.class.getClassLoader();
    return loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
  }
}
