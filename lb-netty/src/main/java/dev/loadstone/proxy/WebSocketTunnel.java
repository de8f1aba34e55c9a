package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Lease;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * After a backend's 101 to a WebSocket upgrade both connections carry WebSocket frames: the HTTP codecs are
 * removed and each side is relayed to the other byte for byte ({@link RelayHandler}, read after write) until
 * either closes or nothing moves for the tunnel idle timeout. The backend stays leased (it counts in-flight)
 * while the tunnel is open.
 */
final class WebSocketTunnel {
  private WebSocketTunnel() {}

  static void open(ClientConnection conn, UpstreamAttempt attempt, HttpResponse r, long startNanos, AccessTrace trace) {
    ProxyContext px = conn.px();
    ChannelHandlerContext ctx = conn.ctx();
    ResponseHeaderPolicy.applyUpgrade(r);
    ctx.write(r);
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);

    Channel client = ctx.channel();
    Channel backend = attempt.takeForTunnel();
    Lease lease = attempt.lease;
    Backend b = attempt.backend;
    boolean[] closed = new boolean[1];
    Runnable onClose =
        () -> {
          if (!closed[0]) {
            closed[0] = true;
            lease.release();
            px.listeners.exchangeCompleted(b, 101, System.nanoTime() - startNanos, 0, 0);
            trace.done(101, 0, 0);
          }
        };
    conn.tunnelled();
    ChannelPipeline bp = backend.pipeline();
    ChannelPipeline cp = client.pipeline();
    bp.replace(BackendConnections.HANDLER, "relay", new RelayHandler(client, onClose));
    cp.replace(ProxyInitializer.PROXY, "relay", new RelayHandler(backend, onClose));
    cp.replace(ProxyInitializer.IDLE, ProxyInitializer.IDLE,
        new IdleStateHandler(0, 0, px.config.tunnelIdleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    BackendCodec backendCodec = bp.get(BackendCodec.class);
    ServerCodec serverCodec = cp.get(ServerCodec.class);
    // Encoders first, so nothing is encoded any more; the decoders then hand what they buffered to the relays.
    backendCodec.removeOutboundHandler();
    serverCodec.removeOutboundHandler();
    bp.remove(backendCodec);
    cp.remove(serverCodec);
    backend.read();
    client.read();
  }
}
