package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Accept failures: counted, one WARN line per interval with the count since the last, no stack trace. */
class AcceptErrorsTest {
  private final AtomicLong now = new AtomicLong();
  private final AcceptErrors errors = new AcceptErrors(now::get, Duration.ofSeconds(10));
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AcceptErrors.class);

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> lines() {
    return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " +trace")).toList();
  }

  @Test
  void aBurstOfFailuresIsOneLineThenOneLinePerIntervalWithTheCount() {
    EmbeddedChannel ch = new EmbeddedChannel(errors);
    IOException emfile = new IOException("Too many open files");
    for (int i = 0; i < 50; i++) {
      ch.pipeline().fireExceptionCaught(emfile); // as Netty's acceptor passes it on; it must not reach the pipeline's end
      now.addAndGet(Duration.ofMillis(100).toNanos());
    }
    ch.checkException(); // nothing reached the tail (it would log a stack trace)
    assertThat(lines()).containsExactly("WARN cannot accept a connection: Too many open files; open connections are still served."
        + " At most one such line per 10s (raise the descriptor limit: ulimit -n, systemd LimitNOFILE)");
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    ch.pipeline().fireExceptionCaught(emfile);
    assertThat(lines()).hasSize(2).last()
        .isEqualTo("WARN cannot accept a connection: Too many open files (49 more failed since the last line); open connections are still served");
    assertThat(errors.count()).isEqualTo(51);
    assertFalse(ch.finishAndReleaseAll());
  }
}
