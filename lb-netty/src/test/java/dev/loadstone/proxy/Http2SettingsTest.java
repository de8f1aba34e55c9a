package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.proxy.h2.Http2Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http2-* settings: safe defaults, read from YAML, bad values refused with the key and what is expected. */
class Http2SettingsTest {
  @TempDir Path dir;

  @Test
  void theDefaultsOfferH2OverTlsOnlyWithTheDocumentedLimits() {
    Http2Settings s = ProxyConfig.builder().addBackend("127.0.0.1:9001").build().http2();
    assertThat(s.enabled()).isTrue();
    assertThat(s.cleartext()).isFalse();
    assertThat(s.maxConcurrentStreams()).isEqualTo(100);
    assertThat(s.initialWindowSize()).isEqualTo(65_535);
    assertThat(s.maxFrameSize()).isEqualTo(16_384);
    assertThat(s.maxResetsPerSecond()).isEqualTo(100);
    assertThat(s.maxQueuedControlFrames()).isEqualTo(10_000);
  }

  @Test
  void everyKeyIsReadFromTheConfigFile() throws Exception {
    Path p = Files.writeString(dir.resolve("proxy.yaml"), "backends: [127.0.0.1:9001]\nhttp2: false\nhttp2-cleartext: true\n"
        + "http2-max-concurrent-streams: 7\nhttp2-initial-window-size: 1048576\nhttp2-max-frame-size: 32768\n"
        + "http2-max-resets-per-second: 5\nhttp2-max-queued-control-frames: 50\n");
    Http2Settings s = ProxyConfig.load(p).http2();
    assertThat(s.enabled()).isFalse();
    assertThat(s.cleartext()).isTrue();
    assertThat(s.maxConcurrentStreams()).isEqualTo(7);
    assertThat(s.initialWindowSize()).isEqualTo(1 << 20);
    assertThat(s.maxFrameSize()).isEqualTo(32_768);
    assertThat(s.maxResetsPerSecond()).isEqualTo(5);
    assertThat(s.maxQueuedControlFrames()).isEqualTo(50);
  }

  @Test
  void aValueOutOfRangeNamesTheKeyAndTheRange() throws Exception {
    Path p = Files.writeString(dir.resolve("proxy.yaml"), "backends: [127.0.0.1:9001]\nhttp2-max-frame-size: 100\n");
    assertThatThrownBy(() -> ProxyConfig.load(p)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http2-max-frame-size: 100 (expected: 16384..16777215)");
    assertThatThrownBy(() -> Http2Settings.builder().maxConcurrentStreams(0))
        .hasMessage("http2-max-concurrent-streams: 0 (expected: 1..100000)");
  }

  @Test
  void anOptionSetTwiceIsAnError() {
    assertThatThrownBy(() -> Http2Settings.builder().cleartext(true).cleartext(false))
        .isInstanceOf(IllegalStateException.class).hasMessage("http2-cleartext is already set (to true)");
  }
}
