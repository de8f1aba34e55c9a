package dev.loadstone.proxy;

import static dev.loadstone.proxy.Settings.s;
import static dev.loadstone.proxy.ValueTypes.BOOLEAN;
import static dev.loadstone.proxy.ValueTypes.INT;

import dev.loadstone.proxy.h2.Http2Settings;
import java.util.List;

/** The HTTP/2 rows of {@link Settings#ALL}: they fill the draft's {@link Http2Settings.Builder}. */
final class Http2Rows {
  private Http2Rows() {}

  static final List<Setting<?>> ROWS = List.of(
      s("http2", "BOOL", BOOLEAN, "true", "Offer HTTP/2 (ALPN h2) on a TLS listener.", (d, v) -> d.http2.enabled(v))
          .shows(c -> c.http2().enabled()),
      s("http2-cleartext", "BOOL", BOOLEAN, "false",
          "Accept HTTP/2 with prior knowledge (h2c) on the plain listener: a connection opening with the h2 preface speaks h2.",
          (d, v) -> d.http2.cleartext(v))
          .shows(c -> c.http2().cleartext()),
      s("http2-max-concurrent-streams", "N", INT, Integer.toString(Http2Settings.DEFAULT_MAX_CONCURRENT_STREAMS),
          "Streams one HTTP/2 connection may have open; one more is refused (REFUSED_STREAM).",
          (d, v) -> d.http2.maxConcurrentStreams(v))
          .shows(c -> c.http2().maxConcurrentStreams()),
      s("http2-initial-window-size", "BYTES", INT, Integer.toString(Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE),
          "HTTP/2 flow-control window of each request stream.", (d, v) -> d.http2.initialWindowSize(v))
          .shows(c -> c.http2().initialWindowSize()),
      s("http2-max-frame-size", "BYTES", INT, Integer.toString(Http2Settings.DEFAULT_MAX_FRAME_SIZE),
          "Largest HTTP/2 frame payload accepted (16384..16777215).", (d, v) -> d.http2.maxFrameSize(v))
          .shows(c -> c.http2().maxFrameSize()),
      s("http2-max-resets-per-second", "N", INT, Integer.toString(Http2Settings.DEFAULT_MAX_RESETS_PER_SECOND),
          "RST_STREAM frames a client may send per second; more is a rapid reset (GOAWAY ENHANCE_YOUR_CALM).",
          (d, v) -> d.http2.maxResetsPerSecond(v))
          .shows(c -> c.http2().maxResetsPerSecond()),
      s("http2-max-queued-control-frames", "N", INT, Integer.toString(Http2Settings.DEFAULT_MAX_QUEUED_CONTROL_FRAMES),
          "Unwritten PING/SETTINGS acks and resets an HTTP/2 client may cause before it is closed (a flood).",
          (d, v) -> d.http2.maxQueuedControlFrames(v))
          .shows(c -> c.http2().maxQueuedControlFrames()));
}
