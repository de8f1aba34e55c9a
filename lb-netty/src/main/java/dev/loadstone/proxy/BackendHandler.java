package dev.loadstone.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a backend connection. While the connection serves an exchange it hands every
 * response object to that exchange's {@link Sink}; while it is parked in the pool, any byte from the
 * backend or its close removes it from the pool (a response nobody asked for means the connection is
 * no longer in a clean state).
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  /** Receives what the backend sends for the exchange that holds the connection. */
  interface Sink {
    /** A {@link ResponseHead} or an {@code HttpContent} of the response. */
    void onBackendMessage(Object msg);

    void onBackendReadComplete();

    void onBackendClosed();

    void onBackendException(Throwable cause);
  }

  private Sink sink;
  private BackendConnections parkedIn;
  private String parkedKey;
  private long parkedAtNanos;

  void attach(Sink s) {
    unpark();
    this.sink = s;
  }

  void detach() {
    this.sink = null;
  }

  boolean isParked() {
    return parkedIn != null;
  }

  long parkedAtNanos() {
    return parkedAtNanos;
  }

  void park(ChannelHandlerContext ctx, BackendConnections pool, String key, long nowNanos) {
    sink = null;
    parkedIn = pool;
    parkedKey = key;
    parkedAtNanos = nowNanos;
    ctx.read(); // notice a close (or stray bytes) while idle
  }

  private void unpark() {
    parkedIn = null;
    parkedKey = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Sink s = sink;
    if (s == null || !(msg instanceof ResponseHead || msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    s.onBackendMessage(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Sink s = sink;
    if (s != null) {
      s.onBackendReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (parkedIn != null) {
      parkedIn.evict(parkedKey, ctx.channel());
      unpark();
    }
    Sink s = sink;
    sink = null;
    if (s != null) {
      s.onBackendClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Sink s = sink;
    if (s != null) {
      s.onBackendException(cause);
    }
    ctx.close();
  }
}
