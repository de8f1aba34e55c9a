package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: takes decoded requests one at a time (pipelined ones wait in order), picks a
 * backend, borrows a pooled connection on this event loop, and streams the request there and the response
 * back. It reads from a side only after the previous write to the other side completed, so memory stays
 * flat whatever the body size. Failures before the response started are retried per the retry rules or
 * answered with 502/503/504; after that the client connection is closed.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  /** Sent down the pipeline when the server starts draining. */
  enum Drain {
    INSTANCE
  }

  private final ProxyContext px;
  private final ArrayDeque<HttpObject> inbound = new ArrayDeque<>(4);
  private final Runnable responseTimerTask = this::responseTimerFired;
  /**
   * The response timeout's timer, at most one per connection. Scheduling and cancelling a timer per
   * request costs more than the request's own work on a fast backend, so an exchange only records its
   * deadline; the timer, when it fires, either fails the exchange that is past its deadline or re-arms
   * itself for the current one's remaining time.
   */
  private ScheduledFuture<?> responseTimer;
  private HeaderRewriter.Client forwarding;
  private ChannelHandlerContext ctx;
  private Exchange ex;
  private boolean closing;
  private boolean responseWriteInFlight;
  private boolean tunnelled;

  FrontendHandler(ProxyContext px) {
    this.px = px;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    px.listeners.clientConnectionOpened(ctx.channel().remoteAddress());
    if (px.draining) {
      ctx.close();
      return;
    }
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing || !(msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    inbound.add((HttpObject) msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    process();
    maybeRead();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ServerCodec.HeaderTimeout.INSTANCE) {
      if (ex == null && inbound.isEmpty()) {
        respondError(408, "the request headers did not arrive within " + Durations.format(px.config.headerTimeout()), true);
      } else {
        closeAfterCurrent();
      }
    } else if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else if (evt == Drain.INSTANCE) {
      if (ex == null && inbound.isEmpty()) {
        ctx.close();
      } else {
        closeAfterCurrent();
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  private void closeAfterCurrent() {
    if (ex != null) {
      ex.clientKeepAlive = false;
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (ex != null) {
      ex.clientGone();
    }
    releaseInbound();
    stopResponseTimer();
    px.listeners.clientConnectionClosed(ctx.channel().remoteAddress());
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseInbound();
    stopResponseTimer();
  }

  private void responseTimerFired() {
    responseTimer = null;
    Exchange e = ex;
    if (e == null || e.finished || !e.awaitingResponse) {
      return;
    }
    long left = e.responseDeadline - System.nanoTime();
    if (left > 0) {
      responseTimer = ctx.executor().schedule(responseTimerTask, left, TimeUnit.NANOSECONDS);
      return;
    }
    e.awaitingResponse = false;
    e.attemptFailed(FailureCause.RESPONSE_TIMEOUT);
  }

  private void stopResponseTimer() {
    if (responseTimer != null) {
      responseTimer.cancel(false);
      responseTimer = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection {} failed", ctx.channel(), cause);
    ctx.close();
  }

  private void releaseInbound() {
    HttpObject o;
    while ((o = inbound.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }

  // ------------------------------------------------------------------ request intake

  private void process() {
    while (!closing && !tunnelled) {
      if (ex == null) {
        if (responseWriteInFlight) {
          break; // the next pipelined request waits until the previous response was written
        }
        HttpObject o = inbound.poll();
        if (o == null) {
          break;
        }
        if (o instanceof HttpRequest) {
          start((HttpRequest) o);
        } else {
          ReferenceCountUtil.release(o); // the rest of a request that was already answered
        }
      } else if (ex.canStreamBody()) {
        HttpObject o = inbound.peek();
        if (!(o instanceof HttpContent)) {
          break;
        }
        inbound.poll();
        ex.forwardBody((HttpContent) o);
      } else {
        break;
      }
    }
    if (ex != null) {
      ex.flushBody();
    }
  }

  private void maybeRead() {
    if (closing || tunnelled || !ctx.channel().isActive()) {
      return;
    }
    if (ex == null) {
      if (inbound.isEmpty() && !responseWriteInFlight) {
        ctx.read();
      }
    } else if (ex.wantsBody() && inbound.isEmpty()) {
      ctx.read();
    } else if (ex.requestDone && !ex.upgrade && inbound.isEmpty()) {
      // The whole request is in: keep a read pending while the response is produced, so an idle
      // keep-alive connection keeps its epoll read interest instead of dropping and re-adding it (two
      // epoll_ctl calls) per request. At most one read's worth (the next pipelined request) is taken
      // meanwhile; it waits in inbound, and nothing more is read until it is processed.
      ctx.read();
    }
  }

  private void start(HttpRequest req) {
    DecoderResult dr = req.decoderResult();
    if (dr.isFailure()) {
      ReferenceCountUtil.release(req);
      Throwable c = dr.cause();
      int status = c instanceof TooLongHttpLineException ? 414 : c instanceof TooLongHttpHeaderException ? 431 : 400;
      String what =
          status == 414 ? "the request line is longer than " + px.config.maxRequestLine() + " bytes"
              : status == 431 ? "the request headers are larger than " + px.config.maxHeaderSize() + " bytes"
              : "malformed request: " + oneLine(c.getMessage());
      respondError(status, what, true);
      return;
    }
    String problem = validate(req);
    if (problem != null) {
      respondError(400, problem, true);
      return;
    }
    if (HttpMethod.CONNECT.equals(req.method())) {
      respondError(405, "CONNECT is not supported", true);
      return;
    }
    long contentLength = HttpUtil.getContentLength(req, -1L);
    long max = px.config.maxBodySize();
    if (max > 0 && contentLength > max) {
      respondError(413, "the request body of " + contentLength + " bytes is larger than the limit of " + max + " bytes", true);
      return;
    }
    // Whatever of the body arrived with the head is checked before anything goes to a backend.
    long queued = 0;
    for (HttpObject o : inbound) {
      if (o instanceof HttpRequest) {
        break;
      }
      if (o.decoderResult().isFailure()) {
        respondError(400, "malformed request body: " + oneLine(o.decoderResult().cause().getMessage()), true);
        return;
      }
      queued += ((HttpContent) o).content().readableBytes();
      if (max > 0 && queued > max) {
        respondError(413, "the request body is larger than the limit of " + max + " bytes", true);
        return;
      }
      if (o instanceof LastHttpContent) {
        break;
      }
    }
    boolean expectContinue = false;
    String expect = req.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null) {
      if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim()) || req.protocolVersion() != HttpVersion.HTTP_1_1) {
        respondError(417, "unsupported expectation '" + expect + "'", true);
        return;
      }
      expectContinue = true;
      req.headers().remove(HttpHeaderNames.EXPECT);
    }
    ex = new Exchange(req, expectContinue);
    ex.attempt();
  }

  /** What Netty's decoder lets through but a strict proxy must refuse. */
  private static String validate(HttpRequest req) {
    String uri = req.uri();
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "the request target contains the control or non-ASCII character 0x" + Integer.toHexString(c);
      }
    }
    if (req.protocolVersion().majorVersion() != 1) {
      return "unsupported HTTP version " + req.protocolVersion();
    }
    int hosts = req.headers().getAll(HttpHeaderNames.HOST).size();
    if (req.protocolVersion() == HttpVersion.HTTP_1_1 && hosts != 1) {
      return hosts == 0 ? "an HTTP/1.1 request must have a Host header" : "more than one Host header";
    }
    if (hosts > 1) {
      return "more than one Host header";
    }
    return null;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "invalid syntax";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  // ------------------------------------------------------------------ proxy-generated responses

  /** Answers with the proxy's own error; {@code close} also closes the connection after it. */
  private void respondError(int code, String cause, boolean close) {
    if (ex != null) {
      ex.finished = true;
      ex = null;
    }
    px.listeners.proxyError(code, cause);
    HttpResponseStatus status = HttpResponseStatus.valueOf(code);
    ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), code + " " + status.reasonPhrase() + ": " + cause + "\n");
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    HttpHeaders h = r.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (code == 503) {
      h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, ProxyConfig.DEFAULT_RETRY_AFTER.getSeconds())));
    }
    if (close || px.draining) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      closing = true;
      releaseInbound();
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    } else {
      responseWritten(ctx.writeAndFlush(r));
    }
  }

  private void responseWritten(ChannelFuture f) {
    responseWriteInFlight = true;
    f.addListener(
        (ChannelFutureListener)
            w -> {
              responseWriteInFlight = false;
              if (!w.isSuccess()) {
                ctx.close();
                return;
              }
              process();
              maybeRead();
            });
  }

  // ------------------------------------------------------------------ one request/response exchange

  private final class Exchange implements BackendHandler.Sink {
    final HttpRequest request;
    final boolean idempotent;
    final boolean isHead;
    final boolean upgrade;
    final boolean client10;
    final boolean secure;
    final long startNanos = System.nanoTime();
    boolean expectContinue;
    boolean clientKeepAlive;
    PickRequest pick;
    int attempts;
    Lease lease;
    Backend backend;
    Channel backendCh;
    BackendHandler backendHandler;
    boolean finished;
    boolean headSent;
    boolean bodyStarted;
    boolean requestDone;
    boolean responseStarted;
    boolean skipInformational;
    boolean backendReusable;
    boolean bodyWriteInFlight;
    boolean flushPending;
    ChannelFuture lastBodyWrite;
    ChannelFuture lastClientWrite;
    boolean awaitingResponse;
    long responseDeadline;
    int status;
    long bytesIn;
    long bytesOut;

    Exchange(HttpRequest req, boolean expectContinue) {
      this.request = req;
      this.expectContinue = expectContinue;
      HttpMethod m = req.method();
      this.idempotent =
          HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
              || HttpMethod.PUT.equals(m) || HttpMethod.DELETE.equals(m);
      this.isHead = HttpMethod.HEAD.equals(m);
      this.client10 = req.protocolVersion() == HttpVersion.HTTP_1_0;
      this.clientKeepAlive = HttpUtil.isKeepAlive(req) && !px.draining;
      HttpHeaders h = req.headers();
      this.upgrade = HeaderRewriter.isWebSocketUpgrade(h);
      String upgradeValue = h.get(HttpHeaderNames.UPGRADE);
      boolean chunked = HttpUtil.isTransferEncodingChunked(req);
      String te = h.get(HttpHeaderNames.TRANSFER_ENCODING);

      InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
      String hashKey = px.hashKey == null ? null : px.hashKey.of(req, client);
      String sticky = px.stickyCookie == null ? null : HashKey.cookie(req, px.stickyCookie);
      this.pick = PickRequest.of(hashKey, sticky);

      HeaderRewriter.stripHopByHop(h);
      if (forwarding == null) {
        forwarding = px.headers.client(client.getAddress()); // once per connection
      }
      String proto = px.headers.addForwarding(h, forwarding);
      this.secure = "https".equals(proto);
      if (chunked) {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, te);
      }
      if (upgrade) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, upgradeValue);
      }
      req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    // -------------------------------------------------------------- attempts

    void attempt() {
      lease = px.pool.acquire(pick);
      if (lease.isEmpty()) {
        String reason = lease.reason();
        lease = null;
        if (attempts == 0) {
          respondError(503, reason == null ? "no backend is available" : reason, !requestDone);
        } else {
          respondFailure();
        }
        return;
      }
      attempts++;
      backend = lease.backend();
      headSent = false;
      px.listeners.requestStarted(backend);
      ChannelFuture cf = px.connections(ctx.channel().eventLoop()).acquire(backend);
      if (cf.isDone()) {
        connected(cf);
      } else {
        cf.addListener((ChannelFutureListener) this::connected);
      }
    }

    private FailureCause lastFailure;
    private Throwable lastConnectError;

    private void connected(ChannelFuture cf) {
      if (finished) {
        if (cf.isSuccess()) {
          cf.channel().close();
        }
        return;
      }
      if (!cf.isSuccess()) {
        lastConnectError = cf.cause();
        attemptFailed(cf.cause() instanceof ConnectTimeoutException ? FailureCause.CONNECT_TIMEOUT : FailureCause.CONNECT_FAILED);
        return;
      }
      backendCh = cf.channel();
      if (!request.headers().contains(HttpHeaderNames.HOST)) {
        request.headers().set(HttpHeaderNames.HOST, backend.address()); // an HTTP/1.0 client sent none
      }
      backendHandler = (BackendHandler) backendCh.pipeline().get(BackendConnections.HANDLER);
      backendHandler.attach(this);
      Channel ch = backendCh;
      backendCh.write(request);
      if (requestDone) {
        backendCh.write(LastHttpContent.EMPTY_LAST_CONTENT); // a retry of a request without body
      }
      backendCh.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener((ChannelFutureListener) f -> headWritten(ch, f));
    }

    private void headWritten(Channel ch, ChannelFuture f) {
      if (finished || ch != backendCh) {
        return;
      }
      if (!f.isSuccess()) {
        attemptFailed(FailureCause.RESET);
        return;
      }
      headSent = true;
      ch.read();
      if (requestDone) {
        startResponseTimer();
      } else if (expectContinue) {
        expectContinue = false;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      process();
      maybeRead();
    }

    private void attemptFailed(FailureCause cause) {
      if (finished) {
        return;
      }
      cancelResponseTimer();
      Backend failed = backend;
      closeBackend();
      if (lease != null) {
        lease.release();
        lease = null;
      }
      if (failed != null) {
        px.listeners.backendFailed(failed, cause);
      }
      lastFailure = cause;
      if (responseStarted) {
        finished = true;
        ex = null;
        closing = true;
        ctx.close();
        return;
      }
      boolean replayable = !bodyStarted && (!headSent || (idempotent && cause != FailureCause.RESPONSE_TIMEOUT));
      int maxAttempts = Math.min(px.config.retries() + 1, px.pool.snapshot().all().size());
      if (replayable && attempts < maxAttempts && failed != null) {
        pick = pick.excluding(failed.id());
        px.listeners.retried(failed, cause, attempts + 1);
        attempt();
        return;
      }
      respondFailure();
    }

    private void respondFailure() {
      FailureCause cause = lastFailure;
      String who = backend == null ? "the backend" : "backend " + backend.id() + " (" + backend.address() + ")";
      int code;
      String why;
      switch (cause == null ? FailureCause.RESET : cause) {
        case CONNECT_TIMEOUT:
          code = 504;
          why = who + " did not accept a connection within " + Durations.format(px.config.connectTimeout());
          break;
        case RESPONSE_TIMEOUT:
          code = 504;
          why = who + " did not respond within " + Durations.format(px.config.responseTimeout());
          break;
        case CONNECT_FAILED:
          code = 502;
          why = who + (lastConnectError instanceof java.net.UnknownHostException ? ": host not found" : " refused the connection");
          break;
        case INVALID_RESPONSE:
          code = 502;
          why = who + " sent an invalid response";
          break;
        default:
          code = 502;
          why = who + " closed the connection before responding";
          break;
      }
      if (attempts > 1) {
        why += " (after " + attempts + " attempts)";
      }
      respondError(code, why, !requestDone);
    }

    private void closeBackend() {
      if (backendHandler != null) {
        backendHandler.detach();
        backendHandler = null;
      }
      if (backendCh != null) {
        backendCh.close();
        backendCh = null;
      }
    }

    /** Starts the response-headers deadline; the connection's one lazy timer enforces it. */
    private void startResponseTimer() {
      if (!awaitingResponse && !responseStarted) {
        long timeout = px.config.responseTimeout().toNanos();
        awaitingResponse = true;
        responseDeadline = System.nanoTime() + timeout;
        if (responseTimer == null) {
          responseTimer = ctx.executor().schedule(responseTimerTask, timeout, TimeUnit.NANOSECONDS);
        }
      }
    }

    private void cancelResponseTimer() {
      awaitingResponse = false; // the scheduled timer (if any) stays and finds nothing to do
    }

    void clientGone() {
      if (finished) {
        return;
      }
      finished = true;
      ex = null;
      cancelResponseTimer();
      closeBackend();
      if (lease != null) {
        lease.release();
        lease = null;
      }
    }

    // -------------------------------------------------------------- request body

    boolean canStreamBody() {
      return headSent && !requestDone && backendCh != null;
    }

    boolean wantsBody() {
      return headSent && !requestDone && backendCh != null && !bodyWriteInFlight;
    }

    void forwardBody(HttpContent c) {
      if (c.decoderResult().isFailure()) {
        String why = "malformed request body: " + oneLine(c.decoderResult().cause().getMessage());
        c.release();
        abortRequest(400, why);
        return;
      }
      int n = c.content().readableBytes();
      bytesIn += n;
      long max = px.config.maxBodySize();
      if (max > 0 && bytesIn > max) {
        c.release();
        abortRequest(413, "the request body is larger than the limit of " + max + " bytes");
        return;
      }
      if (n > 0) {
        bodyStarted = true;
      }
      if (c instanceof LastHttpContent) {
        requestDone = true;
      }
      lastBodyWrite = backendCh.write(c);
      flushPending = true;
    }

    void flushBody() {
      if (!flushPending || backendCh == null) {
        return;
      }
      flushPending = false;
      Channel ch = backendCh;
      ChannelFuture last = lastBodyWrite;
      bodyWriteInFlight = true;
      ch.flush();
      last.addListener(
          (ChannelFutureListener)
              f -> {
                if (finished || ch != backendCh || last != lastBodyWrite) {
                  return;
                }
                bodyWriteInFlight = false;
                if (!f.isSuccess()) {
                  attemptFailed(FailureCause.RESET);
                  return;
                }
                if (requestDone) {
                  startResponseTimer();
                }
                maybeRead();
              });
    }

    /** The request body turned out bad mid-stream: the backend saw part of it, so its connection goes too. */
    private void abortRequest(int code, String why) {
      cancelResponseTimer();
      closeBackend();
      if (lease != null) {
        lease.release();
        lease = null;
      }
      if (responseStarted) {
        finished = true;
        ex = null;
        closing = true;
        ctx.close();
      } else {
        respondError(code, why, true);
      }
    }

    // -------------------------------------------------------------- response

    @Override
    public void onBackendMessage(HttpObject msg) {
      if (finished) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpResponse) {
        onResponseHead((HttpResponse) msg);
        if (msg instanceof HttpContent && !finished) {
          onResponseContent((HttpContent) msg);
        } else {
          ReferenceCountUtil.release(msg);
        }
      } else if (msg instanceof HttpContent) {
        onResponseContent((HttpContent) msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    private void onResponseHead(HttpResponse r) {
      if (r.decoderResult().isFailure()) {
        skipInformational = true;
        attemptFailed(FailureCause.INVALID_RESPONSE);
        return;
      }
      int code = r.status().code();
      if (code < 200 && code != 101) {
        skipInformational = true; // 100 Continue and friends: we answered the client's expectation ourselves
        return;
      }
      cancelResponseTimer();
      status = code;
      px.listeners.responseHeadersReceived(backend, code);
      if (code == 101) {
        if (upgrade) {
          switchToTunnel(r);
        } else {
          attemptFailed(FailureCause.INVALID_RESPONSE);
        }
        return;
      }
      HttpHeaders h = r.headers();
      boolean bodyless = isHead || code == 204 || code == 304;
      boolean framed = HttpUtil.isContentLengthSet(r) || HttpUtil.isTransferEncodingChunked(r) || bodyless;
      backendReusable = HttpUtil.isKeepAlive(r) && framed;
      HeaderRewriter.stripHopByHop(h);
      if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        if (client10) {
          clientKeepAlive = false; // an HTTP/1.0 client cannot read chunks: the close delimits the body
        } else {
          h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
      }
      String cookie = lease == null ? null : lease.setCookie();
      if (cookie != null && px.stickyCookie != null) {
        h.add(HttpHeaderNames.SET_COOKIE, px.stickyCookie + "=" + cookie + px.stickyCookieAttributes + (secure ? "; Secure" : ""));
      }
      if (px.draining || !requestDone) {
        clientKeepAlive = false;
      }
      if (!clientKeepAlive) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (client10) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      r.setProtocolVersion(HttpVersion.HTTP_1_1);
      responseStarted = true;
      lastClientWrite = ctx.write(r);
    }

    private void onResponseContent(HttpContent c) {
      if (skipInformational) {
        if (c instanceof LastHttpContent) {
          skipInformational = false;
        }
        c.release();
        return;
      }
      if (!responseStarted) {
        c.release();
        return;
      }
      if (c.decoderResult().isFailure()) {
        c.release();
        backendReusable = false;
        attemptFailed(FailureCause.INVALID_RESPONSE);
        return;
      }
      bytesOut += c.content().readableBytes();
      lastClientWrite = ctx.write(c);
      if (c instanceof LastHttpContent) {
        responseComplete();
      }
    }

    private void responseComplete() {
      finished = true;
      ex = null;
      Channel b = backendCh;
      backendCh = null;
      if (backendHandler != null) {
        backendHandler.detach();
        backendHandler = null;
      }
      if (backendReusable && requestDone && b != null) {
        px.connections(b.eventLoop()).release(backend, b);
      } else if (b != null) {
        b.close();
      }
      if (lease != null) {
        lease.release();
        lease = null;
      }
      px.listeners.exchangeCompleted(backend, status, System.nanoTime() - startNanos, bytesIn, bytesOut);
      ChannelFuture last = lastClientWrite;
      lastClientWrite = null;
      ctx.flush();
      if (!clientKeepAlive || !requestDone) {
        closing = true;
        releaseInbound();
        last.addListener(ChannelFutureListener.CLOSE);
      } else {
        responseWritten(last);
      }
    }

    @Override
    public void onBackendReadComplete() {
      if (finished || backendCh == null) {
        return;
      }
      Channel ch = backendCh;
      if (!responseStarted) {
        ch.read();
        return;
      }
      ChannelFuture last = lastClientWrite;
      lastClientWrite = null;
      if (last == null) {
        ch.read();
        return;
      }
      ctx.flush();
      last.addListener(
          (ChannelFutureListener)
              f -> {
                if (!f.isSuccess()) {
                  ctx.close();
                } else if (!finished && ch == backendCh) {
                  ch.read();
                }
              });
    }

    @Override
    public void onBackendClosed() {
      if (!finished) {
        backendCh = null; // already closed
        backendHandler = null;
        attemptFailed(FailureCause.RESET);
      }
    }

    @Override
    public void onBackendException(Throwable cause) {
      log.debug("backend connection {} failed", backendCh, cause);
    }

    // -------------------------------------------------------------- WebSocket

    /** After the backend's 101 both connections carry WebSocket frames: relay them byte for byte. */
    private void switchToTunnel(HttpResponse r) {
      String upgradeValue = r.headers().get(HttpHeaderNames.UPGRADE);
      HeaderRewriter.stripHopByHop(r.headers());
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      r.headers().set(HttpHeaderNames.UPGRADE, upgradeValue == null ? "websocket" : upgradeValue);
      r.setProtocolVersion(HttpVersion.HTTP_1_1);
      ctx.write(r);
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);

      finished = true;
      ex = null;
      tunnelled = true;
      Channel client = ctx.channel();
      Channel backendChannel = backendCh;
      backendCh = null;
      backendHandler.detach();
      backendHandler = null;
      Lease l = lease;
      lease = null;
      Backend b = backend;
      boolean[] done = new boolean[1];
      Runnable onClose = () -> {
        if (!done[0]) {
          done[0] = true;
          l.release();
          px.listeners.exchangeCompleted(b, 101, System.nanoTime() - startNanos, 0, 0);
        }
      };
      ChannelPipeline bp = backendChannel.pipeline();
      ChannelPipeline cp = client.pipeline();
      bp.replace(BackendConnections.HANDLER, "relay", new RelayHandler(client, onClose));
      cp.replace(FrontendHandler.this, "relay", new RelayHandler(backendChannel, onClose));
      HttpClientCodec clientCodec = bp.get(HttpClientCodec.class);
      ServerCodec serverCodec = cp.get(ServerCodec.class);
      clientCodec.removeOutboundHandler();
      serverCodec.removeOutboundHandler();
      bp.remove(clientCodec);
      cp.remove(serverCodec);
      backendChannel.read();
      client.read();
    }
  }
}
