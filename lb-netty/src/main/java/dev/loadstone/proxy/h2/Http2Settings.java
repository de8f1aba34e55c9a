package dev.loadstone.proxy.h2;

/**
 * The proxy's HTTP/2 settings toward clients, immutable: whether ALPN offers {@code h2} on TLS, whether the plain
 * listener accepts h2c with prior knowledge, and the limits every h2 connection gets (announced in its SETTINGS
 * frame, or enforced against the published HTTP/2 attacks). The header list limit is the proxy's
 * {@code max-header-size}, so it has no key here. Build one with {@link #builder()}; an option set twice is an
 * error.
 */
public final class Http2Settings {
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
  public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
  public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
  public static final int DEFAULT_MAX_RESETS_PER_SECOND = 100;
  public static final int DEFAULT_MAX_QUEUED_CONTROL_FRAMES = 10_000;

  private final boolean enabled;
  private final boolean cleartext;
  private final int maxConcurrentStreams;
  private final int initialWindowSize;
  private final int maxFrameSize;
  private final int maxResetsPerSecond;
  private final int maxQueuedControlFrames;

  private Http2Settings(Builder b) {
    this.enabled = b.enabled == null || b.enabled;
    this.cleartext = b.cleartext != null && b.cleartext;
    this.maxConcurrentStreams = or(b.maxConcurrentStreams, DEFAULT_MAX_CONCURRENT_STREAMS);
    this.initialWindowSize = or(b.initialWindowSize, DEFAULT_INITIAL_WINDOW_SIZE);
    this.maxFrameSize = or(b.maxFrameSize, DEFAULT_MAX_FRAME_SIZE);
    this.maxResetsPerSecond = or(b.maxResetsPerSecond, DEFAULT_MAX_RESETS_PER_SECOND);
    this.maxQueuedControlFrames = or(b.maxQueuedControlFrames, DEFAULT_MAX_QUEUED_CONTROL_FRAMES);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: h2 offered over TLS, no h2c. */
  public static Http2Settings defaults() {
    return builder().build();
  }

  /** Whether ALPN offers {@code h2} on a TLS listener (default true). */
  public boolean enabled() { return enabled; }

  /** Whether the plain listener switches to HTTP/2 on the client connection preface (h2c prior knowledge; default false). */
  public boolean cleartext() { return cleartext; }

  /** SETTINGS_MAX_CONCURRENT_STREAMS: a stream beyond it is refused with REFUSED_STREAM. */
  public int maxConcurrentStreams() { return maxConcurrentStreams; }

  /** SETTINGS_INITIAL_WINDOW_SIZE: how much request body one stream may send before the proxy consumed it. */
  public int initialWindowSize() { return initialWindowSize; }

  /** SETTINGS_MAX_FRAME_SIZE: the largest frame payload the proxy accepts. */
  public int maxFrameSize() { return maxFrameSize; }

  /** RST_STREAM frames a client may send per second before GOAWAY ENHANCE_YOUR_CALM (CVE-2023-44487). */
  public int maxResetsPerSecond() { return maxResetsPerSecond; }

  /** Control frames (SETTINGS and PING acks, RST_STREAM) queued unwritten before the connection is closed (a flood). */
  public int maxQueuedControlFrames() { return maxQueuedControlFrames; }

  @Override
  public String toString() {
    return "Http2Settings{enabled=" + enabled + ", cleartext=" + cleartext + ", maxConcurrentStreams=" + maxConcurrentStreams
        + ", initialWindowSize=" + initialWindowSize + ", maxFrameSize=" + maxFrameSize + ", maxResetsPerSecond="
        + maxResetsPerSecond + ", maxQueuedControlFrames=" + maxQueuedControlFrames + "}";
  }

  private static int or(Integer v, int dflt) {
    return v == null ? dflt : v;
  }

  public static final class Builder {
    private Boolean enabled;
    private Boolean cleartext;
    private Integer maxConcurrentStreams;
    private Integer initialWindowSize;
    private Integer maxFrameSize;
    private Integer maxResetsPerSecond;
    private Integer maxQueuedControlFrames;

    private Builder() {}

    public Builder enabled(boolean on) {
      enabled = once(enabled, "http2", on);
      return this;
    }

    public Builder cleartext(boolean on) {
      cleartext = once(cleartext, "http2-cleartext", on);
      return this;
    }

    public Builder maxConcurrentStreams(int n) {
      maxConcurrentStreams = range("http2-max-concurrent-streams", once(maxConcurrentStreams, "http2-max-concurrent-streams", n), 1, 100_000);
      return this;
    }

    public Builder initialWindowSize(int bytes) {
      initialWindowSize = range("http2-initial-window-size", once(initialWindowSize, "http2-initial-window-size", bytes), 1, Integer.MAX_VALUE);
      return this;
    }

    public Builder maxFrameSize(int bytes) {
      maxFrameSize = range("http2-max-frame-size", once(maxFrameSize, "http2-max-frame-size", bytes), 16_384, 16_777_215);
      return this;
    }

    public Builder maxResetsPerSecond(int n) {
      maxResetsPerSecond = range("http2-max-resets-per-second", once(maxResetsPerSecond, "http2-max-resets-per-second", n), 1, 1_000_000);
      return this;
    }

    public Builder maxQueuedControlFrames(int n) {
      maxQueuedControlFrames = range("http2-max-queued-control-frames", once(maxQueuedControlFrames, "http2-max-queued-control-frames", n), 1, 1_000_000);
      return this;
    }

    public Http2Settings build() {
      return new Http2Settings(this);
    }

    private static <T> T once(T old, String key, T value) {
      if (old != null) {
        throw new IllegalStateException(key + " is already set (to " + old + ")");
      }
      return value;
    }

    private static int range(String key, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(key + ": " + v + " (expected: " + min + ".." + max + ")");
      }
      return v;
    }
  }
}
