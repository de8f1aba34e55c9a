package dev.loadstone.proxy;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.util.CachingDateFormatter;

/**
 * The proxy's log line, {@code %d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n} and the stack trace
 * of an exception as Logback's {@code PatternLayout} writes them (a test holds the two equal), written
 * directly: {@code PatternLayout} first builds its table of some 70 converters, a few hundred classes to load
 * at every start.
 */
final class LogLine extends LayoutBase<ILoggingEvent> {
  private final CachingDateFormatter time = new CachingDateFormatter("HH:mm:ss.SSS");
  private final ThrowableProxyConverter exception = new ThrowableProxyConverter();

  @Override
  public void start() {
    exception.setContext(getContext());
    exception.start();
    super.start();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(time.format(event.getTimeStamp())).append(' ');
    String level = event.getLevel().toString();
    sb.append(level);
    for (int i = level.length(); i < 5; i++) {
      sb.append(' ');
    }
    String logger = event.getLoggerName();
    sb.append(" [").append(event.getThreadName()).append("] ").append(logger.substring(logger.lastIndexOf('.') + 1))
        .append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    if (event.getThrowableProxy() != null) {
      sb.append(exception.convert(event));
    }
    return sb.toString();
  }
}
