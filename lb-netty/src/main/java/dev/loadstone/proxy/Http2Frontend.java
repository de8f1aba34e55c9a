package dev.loadstone.proxy;

import dev.loadstone.proxy.h2.Http2Settings;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 pipeline of one client connection, assembled in one place: Netty's frame codec with the proxy's
 * limits (streams, window, frame and header list size) and its guards against the published HTTP/2 attacks
 * (rapid reset, control frame and empty DATA floods, CONTINUATION floods), the multiplexer that gives each
 * stream a child channel, and the {@link Http2ClientSession} that owns the connection's timers and drain. Each
 * child channel turns frames into HTTP/1.1 objects and runs one {@link Exchange} through an {@link
 * Http2ClientStream}, so an h2 stream is proxied exactly as an HTTP/1.1 request is.
 *
 * <p>{@link #install} serves every channel that decided to speak h2: h2c with prior knowledge ({@link
 * Http2PriorKnowledge}) and TLS with ALPN {@code h2}. The channel must be active; the HTTP/1.1 handlers of
 * {@link ProxyInitializer}, if present, are removed (the connection was counted open by {@link
 * ClientConnection#channelActive}; if no ClientConnection was there, the session counts it). ALPN's choice
 * reaches it through {@link ProxyInitializer#protocolSelected}.
 */
final class Http2Frontend {
  static final String IDLE = "h2-idle";
  static final String FLUSHES = "h2-flushes";
  static final String CODEC = "h2";
  static final String STREAMS = "h2-streams";
  static final String SESSION = "h2-session";

  private Http2Frontend() {}

  /** Makes {@code p}'s channel speak HTTP/2 from its next inbound byte on (the client preface). */
  static void install(ChannelPipeline p, ProxyContext px) {
    install(p, px, null);
  }

  /** As {@link #install(ChannelPipeline, ProxyContext)}, with {@code perResponse} (e.g. HSTS) on each stream's responses. */
  static void install(ChannelPipeline p, ProxyContext px, io.netty.channel.ChannelHandler perResponse) {
    boolean counted = p.get(ClientConnection.class) != null;
    for (String name : new String[] {ProxyInitializer.CODEC, ProxyInitializer.IDLE, ProxyInitializer.PROXY}) {
      if (p.get(name) != null) {
        p.remove(name);
      }
    }
    ProxyConfig c = px.config;
    Http2Settings s = c.http2();
    Http2ClientSession session = new Http2ClientSession(px, !counted);
    io.netty.handler.codec.http2.Http2Settings initial = io.netty.handler.codec.http2.Http2Settings.defaultSettings()
        .maxConcurrentStreams(s.maxConcurrentStreams())
        .initialWindowSize(s.initialWindowSize())
        .maxFrameSize(s.maxFrameSize())
        .maxHeaderListSize(c.maxHeaderSize());
    p.addLast(IDLE, new IdleStateHandler(0, 0, c.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    // Each stream's response flushes the connection; many streams answered in one event-loop turn go out in one
    // write instead of one syscall (and one TLS record) each.
    p.addLast(FLUSHES, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    p.addLast(CODEC, Http2FrameCodecBuilder.forServer()
        .initialSettings(initial)
        .validateHeaders(true)
        .decoderEnforceMaxRstFramesPerWindow(s.maxResetsPerSecond(), 1)
        .encoderEnforceMaxQueuedControlFrames(s.maxQueuedControlFrames())
        .decoupleCloseAndGoAway(true) // a close is a close; the session sends GOAWAY itself where it is graceful
        .build());
    p.addLast(STREAMS, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel ch) {
        ch.config().setAutoRead(false); // the stream's flow-control window follows what its exchange took
        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
        if (perResponse != null) {
          ch.pipeline().addLast(perResponse);
        }
        ch.pipeline().addLast(new Http2ClientStream(session));
      }
    }));
    p.addLast(SESSION, session);
    // Per-stream flow control bounds what a client may send; the connection reads as frames arrive.
    p.channel().config().setOption(ChannelOption.AUTO_READ, true);
  }
}
