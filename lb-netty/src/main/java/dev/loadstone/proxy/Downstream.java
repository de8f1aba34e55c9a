package dev.loadstone.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The client side of one {@link Exchange}: an HTTP/1.1 connection ({@link ClientConnection}) or one HTTP/2 stream
 * ({@link Http2Stream}). The exchange writes its response through {@link #ctx()} as HTTP/1.1 objects (an h2
 * stream's codec turns them into frames) and reports how it ended; the downstream owns what outlives one
 * exchange: reading the client, the response timer, the errors the proxy answers itself, and the end of the
 * connection or stream.
 */
interface Downstream {
  ProxyContext px();

  /** The context the response is written to; its executor is the exchange's event loop. */
  ChannelHandlerContext ctx();

  /** The forwarding headers' view of the client (computed once per connection). */
  RequestHeaderPolicy.Client client();

  /** Whether the connection is draining (the response in progress is its last one). */
  boolean draining();

  /** The access log's protocol field for a request of this client. */
  String protocol(boolean http10);

  /** Takes what the client sent that the exchange can take now, and reads more if it wants more. */
  void resume();

  /** The exchange relayed its whole response; {@code last} is its last write. */
  void exchangeDone(Exchange e, ChannelFuture last, boolean keepAlive);

  /** The exchange ends with the proxy's own error. */
  void exchangeFailed(Exchange e, int code, String cause);

  /** A backend failed after its headers were relayed: the response is cut short. */
  void abort();

  /** The backend switched protocols (101) for attempt {@code a}. */
  void switchProtocols(Exchange e, UpstreamAttempt a, HttpResponse r, long startNanos, AccessTrace trace);

  /** The response deadline of the current attempt; the downstream's one lazy timer enforces it. */
  void armResponseTimer(long deadlineNanos);
}
