package dev.loadstone.proxy.admin;

import dev.loadstone.health.HealthChecker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server, on its own address (never the traffic port): the backend REST API under
 * {@code /api/backends}, the Prometheus scrape at {@code /metrics}, and the status page at {@code /}.
 * See lb-netty/README.md for the API. Request bodies are limited to 64 KiB.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  /** The default admin address: loopback only. */
  public static final InetSocketAddress DEFAULT_ADDRESS = new InetSocketAddress("127.0.0.1", 9090);
  static final int MAX_BODY = 64 * 1024;

  private final InetSocketAddress address;
  private final AdminApi api;
  private final ProxyMetrics metrics;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final AdminGuard guard;
  private Channel channel;
  private ScheduledFuture<?> sampler;
  private boolean announced;

  private AdminServer(Builder b) {
    this.address = b.address == null ? DEFAULT_ADDRESS : b.address;
    this.metrics = b.metrics;
    checkExposure(address, b.token);
    this.guard = new AdminGuard(isLoopback(address), b.token);
    this.api = new AdminApi(b.admin, b.metrics, b.healthChecker, guard, b.status == null ? new ServerStatus(java.time.Clock.systemUTC()) : b.status);
    this.ownsGroup = b.group == null;
    this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) : b.group;
  }

  /**
   * Refuses an admin address other than loopback without a token: anyone who can reach it could drain or
   * replace the backends. One line, naming the address and the ways out.
   */
  public static void checkExposure(InetSocketAddress address, AdminToken token) {
    if (token == null && !isLoopback(address)) {
      throw new IllegalStateException("admin " + hostPort(address) + ": not a loopback address and no admin token"
          + " (expected: --admin-token-file FILE or " + AdminToken.ENV + ", or a loopback address such as 127.0.0.1:"
          + address.getPort() + ")");
    }
  }

  private static boolean isLoopback(InetSocketAddress a) {
    return a.getAddress() != null && a.getAddress().isLoopbackAddress();
  }

  public static Builder builder(PoolAdmin admin, ProxyMetrics metrics) {
    return new Builder(admin, metrics);
  }

  /** Binds (if {@link #bind()} did not yet) and logs where it listens, once. */
  public synchronized AdminServer start() throws InterruptedException {
    bind();
    if (!announced) {
      announced = true;
      log.info("admin API, /metrics and status page on http://{}/{}", hostPort(localAddress()),
          !isLoopback(address) ? " (every call needs the admin token)"
              : api.hasToken() ? " (mutating calls need the admin token)" : "");
    }
    return this;
  }

  /** Replaces the admin token (a reload); refused without one on an address other than loopback. */
  public void token(AdminToken t) {
    checkExposure(address, t);
    guard.token(t);
  }

  /**
   * Binds the admin address without a word, so that a start-up that fails later (the traffic port is taken)
   * has claimed nothing; throws {@link UncheckedIOException} if it cannot (e.g. it is taken).
   */
  public synchronized AdminServer bind() throws InterruptedException {
    if (channel != null) {
      return this;
    }
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(
                new HttpServerCodec(4096, 8192, 8192),
                new HttpServerKeepAliveHandler(),
                new BoundedAggregator(),
                new AdminHandler(api));
          }
        });
    try {
      channel = b.bind(address).sync().channel();
    } catch (Exception e) { // bind failures arrive as (sneaky) checked exceptions
      if (ownsGroup) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
      if (e instanceof InterruptedException) {
        throw (InterruptedException) e;
      }
      throw new UncheckedIOException("admin " + address.getHostString() + ":" + address.getPort() + ": cannot bind ("
          + e.getMessage() + ")", e instanceof IOException ? (IOException) e : new IOException(e));
    }
    sampler = channel.eventLoop().scheduleAtFixedRate(metrics::sample, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  private static String hostPort(InetSocketAddress a) {
    String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  @Override
  public synchronized void close() {
    if (sampler != null) {
      sampler.cancel(false);
    }
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * Aggregates request bodies up to {@link #MAX_BODY}; a larger one gets a JSON 413. On a keep-alive connection
   * the rest of that body is read and discarded (closing at once could reset the connection before the client
   * has read the answer); otherwise the connection closes after the answer.
   */
  private static final class BoundedAggregator extends HttpObjectAggregator {
    BoundedAggregator() {
      super(MAX_BODY);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      AdminApi.Response r = AdminApi.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body",
          "body: more than " + MAX_BODY + " bytes (expected: at most " + MAX_BODY + ")");
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status, Unpooled.wrappedBuffer(r.body));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType);
      HttpUtil.setContentLength(res, r.body.length);
      boolean keepAlive = HttpUtil.isKeepAlive(oversized);
      HttpUtil.setKeepAlive(res, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(res); // the aggregator drops the rest of this body, then the next request is read
      } else {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /** Builds an {@link AdminServer}; each option may be set once. */
  public static final class Builder {
    private final PoolAdmin admin;
    private final ProxyMetrics metrics;
    private InetSocketAddress address;
    private HealthChecker healthChecker;
    private AdminToken token;
    private EventLoopGroup group;
    private ServerStatus status;

    private Builder(PoolAdmin admin, ProxyMetrics metrics) {
      this.admin = Objects.requireNonNull(admin, "admin");
      this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /** Where to listen (default 127.0.0.1:9090; port 0 picks a free port); other than loopback needs a token. */
    public Builder address(InetSocketAddress a) {
      once(address, "address");
      address = Objects.requireNonNull(a, "address");
      return this;
    }

    /** Supplies {@code lastCheck} in the backend list. */
    public Builder healthChecker(HealthChecker h) {
      once(healthChecker, "healthChecker");
      healthChecker = Objects.requireNonNull(h, "healthChecker");
      return this;
    }

    /** Requires this token on every mutating call (and on reads too when the address is not loopback). */
    public Builder token(AdminToken t) {
      once(token, "token");
      token = Objects.requireNonNull(t, "token");
      return this;
    }

    /** Event loops to run on (default: a private one-thread group, shut down on close). */
    public Builder group(EventLoopGroup g) {
      once(group, "group");
      group = Objects.requireNonNull(g, "group");
      return this;
    }

    Builder status(ServerStatus s) {
      once(status, "status");
      status = Objects.requireNonNull(s, "status");
      return this;
    }

    public AdminServer build() {
      return new AdminServer(this);
    }
  }
}
