package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogDefaultsTest {
  private final LoggerContext context = new LoggerContext();

  @Test
  void logLineIsWhatThePatternLayoutWrites() {
    PatternLayout pattern = new PatternLayout();
    pattern.setContext(context);
    pattern.setPattern(LogDefaults.PATTERN);
    pattern.start();
    LogLine line = new LogLine();
    line.setContext(context);
    line.start();
    IllegalStateException cause = new IllegalStateException("inner");
    RuntimeException failure = new RuntimeException("outer", cause);
    failure.addSuppressed(new IllegalArgumentException("suppressed"));
    List<ILoggingEvent> events = new ArrayList<>();
    events.add(event("dev.loadstone.proxy.ProxyServer", Level.INFO, "proxy listening on {} ({} transport)", null, "/127.0.0.1:80", "epoll"));
    events.add(event("dev.loadstone.proxy.admin.AdminServer", Level.WARN, "a 100% warning", null));
    events.add(event("NoPackage", Level.ERROR, "failed: {}", failure, "x"));
    events.add(event("io.netty.channel.DefaultChannelPipeline", Level.DEBUG, "no args", new Exception("plain")));
    events.add(event("a.b.C", Level.TRACE, "trace", null));
    for (ILoggingEvent e : events) {
      assertThat(line.doLayout(e)).isEqualTo(pattern.doLayout(e));
    }
  }

  @Test
  void defaultsAreInfoOnStderrWithTheProxysLine() {
    System.setProperty("loadstone.logging", "defaults");
    try {
      assertThat(new LogDefaults().configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    } finally {
      System.clearProperty("loadstone.logging");
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.INFO);
    Iterator<Appender<ILoggingEvent>> appenders = root.iteratorForAppenders();
    ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) appenders.next();
    assertThat(appenders.hasNext()).isFalse();
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(stderr.isStarted()).isTrue();
  }

  @Test
  void aLogbackXmlOnTheClassPathWins() { // the tests' logback-test.xml here
    assertThat(new LogDefaults().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
  }

  private LoggingEvent event(String logger, Level level, String message, Throwable t, Object... args) {
    LoggingEvent e = new LoggingEvent(logger, context.getLogger(logger), level, message, t, args);
    e.setThreadName("main");
    return e;
  }
}
