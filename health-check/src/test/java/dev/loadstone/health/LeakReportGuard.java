package dev.loadstone.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails the test class when Netty's leak detector (paranoid in tests) reports a leaked buffer: it records
 * the detector's log, and after the class collects garbage and allocates a few buffers so that pending
 * reports are emitted.
 */
public final class LeakReportGuard implements BeforeAllCallback, AfterAllCallback {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    appender.start();
    logger.addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (int i = 0; i < 5; i++) {
      System.gc();
      for (int j = 0; j < 100; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
    Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    logger.detachAppender(appender);
    List<String> leaks = appender.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getFormattedMessage().contains("LEAK"))
        .map(ILoggingEvent::getFormattedMessage)
        .collect(Collectors.toList());
    assertThat(leaks).as("Netty leak reports").isEmpty();
  }
}
