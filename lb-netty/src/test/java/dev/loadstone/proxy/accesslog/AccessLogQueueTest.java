package dev.loadstone.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer thread, its bounded queue and the file destination. */
class AccessLogQueueTest {
  @TempDir Path dir;

  private static AccessRecord record(int i) {
    return AccessLogFormatTest.record("10.0.0." + i, "/" + i, "id-" + i, 0);
  }

  @Test
  void aFullQueueDropsAndCountsLinesWithoutBlockingTheCaller() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> written = new CopyOnWriteArrayList<>();
    AccessLog log = AccessLog.builder(lines -> {
      writing.countDown();
      try {
        release.await(10, TimeUnit.SECONDS); // a destination that does not take lines (a full pipe, a hung disk)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lines.toString().lines().forEach(written::add);
    }).format(AccessLogFormat.parse("%{target}")).capacity(8).build();
    try {
      assertThat(log.offer(record(0))).isTrue();
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds line 0 and is stuck writing it
      long start = System.nanoTime();
      for (int i = 1; i <= 8; i++) {
        assertThat(log.offer(record(i))).isTrue();
      }
      for (int i = 9; i <= 13; i++) {
        assertThat(log.offer(record(i))).as("line %d finds the queue full", i).isFalse();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5)); // never waited for the writer
      assertThat(log.dropped()).isEqualTo(5);
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 9);
      assertThat(written).containsExactly("/0", "/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8");
    } finally {
      release.countDown();
      log.close();
    }
  }

  @Test
  void closeWritesWhatIsQueuedThenRefusesMore() throws Exception {
    Path file = dir.resolve("access.log");
    AccessLog log = AccessLog.builder(AccessLogSink.file(file)).format(AccessLogFormat.parse("%{target}")).build();
    for (int i = 0; i < 100; i++) {
      log.offer(record(i));
    }
    log.close();
    assertThat(Files.readAllLines(file)).hasSize(100).startsWith("/0", "/1").endsWith("/99");
    assertThat(log.offer(record(100))).isFalse();
    assertThat(log.dropped()).isEqualTo(1);
  }

  @Test
  void afterTheFileIsRenamedReopenStartsANewFileUnderTheName() throws Exception {
    Path file = dir.resolve("access.log");
    Path rotated = dir.resolve("access.log.1");
    Files.writeString(file, "earlier\n");
    AccessLog log = AccessLog.builder(AccessLogSink.file(file)).format(AccessLogFormat.parse("%{target}")).build();
    try {
      log.offer(record(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(file).size() == 2);
      Files.move(file, rotated); // logrotate
      log.offer(record(2));
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(rotated).size() == 3);
      assertThat(file).doesNotExist(); // the old file, under its new name, took the line
      log.reopen(); // SIGUSR1
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
      log.offer(record(3));
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(file).size() == 1);
      assertThat(Files.readAllLines(file)).containsExactly("/3");
      assertThat(Files.readAllLines(rotated)).containsExactly("earlier", "/1", "/2");
    } finally {
      log.close();
    }
  }

  @Test
  void aFileInAMissingDirectoryIsAnErrorNamingIt() {
    String name = dir.resolve("no/such/access.log").toString();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AccessLog.open(name, "text"))
        .hasMessage("access-log: cannot open " + name + " (no such directory)");
    assertThat(AccessLog.open("off", "json")).isNull();
  }
}
