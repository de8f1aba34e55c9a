package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config watcher on a real directory with a test clock: time moves only when the test says so, so "0.3 s
 * later" and "quiet for 1 s" are exact and nothing sleeps.
 */
class ConfigWatcherTest {
  private static final Duration QUIET = Duration.ofSeconds(1);
  private static final String WHOLE = "backends:\n  - 127.0.0.1:9001\n  - 127.0.0.1:9002\n";

  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong();
  private final List<String> reloads = new CopyOnWriteArrayList<>(); // the file's content at each reload
  private ConfigWatcher watcher;
  private Path file;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void watch() throws Exception {
    file = dir.resolve("proxy.yaml");
    Files.writeString(file, "backends: [127.0.0.1:9001]\n");
    watcher = ConfigWatcher.watch(file, () -> {
      try {
        reloads.add(Files.readString(file));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, QUIET, now::get);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private void awaitChanges(long n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.changesSeen() >= n);
  }

  /** Lets the test clock run, 100 ms per poll, until the watcher reloads. */
  private void awaitReload() {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      advance(Duration.ofMillis(100));
      return !reloads.isEmpty();
    });
  }

  /** Then lets it run on for two quiet periods and checks that nothing else was reloaded. */
  private void assertNoFurtherReload() {
    advance(QUIET.multipliedBy(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> !watcher.reloadPending());
    assertThat(reloads).hasSize(1);
  }

  @Test
  void aFileWrittenInTwoChunksIsAppliedOnceWhole() throws Exception {
    watch();
    int half = WHOLE.length() / 2;
    Files.writeString(file, WHOLE.substring(0, half), StandardCharsets.UTF_8); // truncates: the first chunk
    awaitChanges(1);
    advance(Duration.ofMillis(300));
    Files.writeString(file, WHOLE.substring(half), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    awaitChanges(2);
    awaitReload();
    assertThat(reloads).containsExactly(WHOLE);
    assertNoFurtherReload();
  }

  @Test
  void aFileReplacedByAnAtomicRenameIsApplied() throws Exception {
    watch();
    Path tmp = dir.resolve(".proxy.yaml.tmp");
    Files.writeString(tmp, WHOLE);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    awaitChanges(1);
    awaitReload();
    assertThat(reloads).containsExactly(WHOLE);
    assertNoFurtherReload();
  }

  @Test
  void reloadNowDoesNotWait() throws Exception {
    watch();
    watcher.reloadNow(); // SIGHUP: the operator asked for it
    assertThat(reloads).containsExactly("backends: [127.0.0.1:9001]\n");
  }

  @Test
  void theQuietPeriodRestartsWithEachChangeAndFiresOnce() {
    Debounce d = new Debounce(QUIET.toNanos());
    assertThat(d.nanosUntilDue(0)).isEqualTo(Long.MAX_VALUE);
    d.changed(0);
    d.changed(Duration.ofMillis(300).toNanos());
    assertThat(d.takeDue(Duration.ofMillis(1299).toNanos())).isFalse();
    assertThat(d.nanosUntilDue(Duration.ofMillis(1299).toNanos())).isEqualTo(Duration.ofMillis(1).toNanos());
    assertThat(d.takeDue(Duration.ofMillis(1300).toNanos())).isTrue();
    assertThat(d.takeDue(Duration.ofMillis(5000).toNanos())).as("once per burst").isFalse();
    assertThat(d.nanosUntilDue(Duration.ofMillis(5000).toNanos())).isEqualTo(Long.MAX_VALUE);
  }
}
