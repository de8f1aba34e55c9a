package dev.loadstone.proxy.discovery;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server for tests, on one loopback port over UDP and TCP, built from Netty's DNS codec. The test sets
 * the records of a name (A, AAAA, SRV), makes a name answer SERVFAIL, or makes UDP answers truncated so the
 * resolver must retry over TCP. Every query is counted.
 */
public final class TestDnsServer implements AutoCloseable {
  /** One answer record: type, TTL in seconds and content bytes. */
  public record Rec(DnsRecordType type, long ttl, byte[] content) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<String, List<Rec>> records = new ConcurrentHashMap<>();
  private final Map<String, Boolean> servfail = new ConcurrentHashMap<>();
  private volatile boolean truncateUdp;
  private volatile boolean silent;
  public final AtomicInteger udpQueries = new AtomicInteger();
  public final AtomicInteger tcpQueries = new AtomicInteger();
  private final Channel udp;
  private final Channel tcp;

  public TestDnsServer() throws InterruptedException {
    Channel[] bound = null;
    for (int attempt = 0; bound == null; attempt++) { // a free UDP port's TCP twin may be taken: try another
      try {
        bound = bind();
      } catch (Exception e) { // Netty's sync() rethrows the BindException unchecked
        if (attempt == 20) {
          throw new IllegalStateException("no free UDP+TCP port pair on loopback", e);
        }
      }
    }
    udp = bound[0];
    tcp = bound[1];
  }

  private Channel[] bind() throws InterruptedException {
    Channel u = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<NioDatagramChannel>() {
          @Override
          protected void initChannel(NioDatagramChannel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new UdpHandler());
          }
        }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    int port = ((InetSocketAddress) u.localAddress()).getPort();
    io.netty.channel.ChannelFuture t = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(), new TcpHandler());
          }
        }).bind(InetAddress.getLoopbackAddress(), port).await();
    if (!t.isSuccess()) {
      u.close().sync();
      throw new IllegalStateException("tcp port " + port + " taken", t.cause());
    }
    return new Channel[] {u, t.channel()};
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) udp.localAddress();
  }

  /** Replaces the answer of {@code name} (no trailing dot); an empty list gives an empty NOERROR answer. */
  public TestDnsServer set(String name, Rec... recs) {
    records.put(name.toLowerCase(), List.of(recs));
    return this;
  }

  /** Forgets {@code name}: it is answered NXDOMAIN. */
  public TestDnsServer remove(String name) {
    records.remove(name.toLowerCase());
    return this;
  }

  /** While on, every query is read and never answered (a name server that stopped), over UDP and TCP. */
  public TestDnsServer silent(boolean on) {
    silent = on;
    return this;
  }

  public TestDnsServer servfail(String name, boolean on) {
    servfail.put(name.toLowerCase(), on);
    return this;
  }

  public TestDnsServer truncateUdp(boolean on) {
    truncateUdp = on;
    return this;
  }

  public static Rec a(String ip, long ttl) {
    return new Rec(DnsRecordType.A, ttl, bytes(ip));
  }

  public static Rec aaaa(String ip, long ttl) {
    return new Rec(DnsRecordType.AAAA, ttl, bytes(ip));
  }

  public static Rec srv(int priority, int weight, int port, String target, long ttl) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(priority).writeShort(weight).writeShort(port);
    for (String label : target.split("\\.")) {
      byte[] l = label.getBytes(StandardCharsets.US_ASCII);
      b.writeByte(l.length).writeBytes(l);
    }
    b.writeByte(0);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    return new Rec(DnsRecordType.SRV, ttl, out);
  }

  private static byte[] bytes(String ip) {
    try {
      return InetAddress.getByName(ip).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  /** Fills {@code r} with the answer to the query's question. */
  private void answer(DnsQuery q, DnsResponse r, boolean overUdp) {
    DnsQuestion question = q.recordAt(DnsSection.QUESTION);
    String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1) : question.name();
    r.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
    r.setRecursionAvailable(true);
    if (servfail.getOrDefault(name.toLowerCase(), false)) {
      r.setCode(DnsResponseCode.SERVFAIL);
      return;
    }
    List<Rec> recs = records.get(name.toLowerCase());
    if (recs == null) {
      r.setCode(DnsResponseCode.NXDOMAIN);
      return;
    }
    if (overUdp && truncateUdp) {
      r.setTruncated(true);
      return;
    }
    for (Rec rec : recs) {
      if (rec.type().equals(question.type())) {
        r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), rec.type(), rec.ttl(), Unpooled.wrappedBuffer(rec.content())));
      }
    }
  }

  private final class UdpHandler extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
      udpQueries.incrementAndGet();
      if (silent) {
        return;
      }
      DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
      answer(q, r, true);
      ctx.writeAndFlush(r);
    }
  }

  private final class TcpHandler extends SimpleChannelInboundHandler<DnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery q) {
      tcpQueries.incrementAndGet();
      if (silent) {
        return;
      }
      DefaultDnsResponse r = new DefaultDnsResponse(q.id());
      answer(q, r, false);
      ctx.writeAndFlush(r);
    }
  }

  /** Names with records, for a failure message. */
  List<String> names() {
    return new ArrayList<>(records.keySet());
  }

  @Override
  public void close() {
    udp.close().syncUninterruptibly();
    tcp.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
