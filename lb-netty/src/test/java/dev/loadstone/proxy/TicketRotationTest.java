package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.proxy.tls.ServerTls;
import dev.loadstone.proxy.tls.TlsSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Session tickets: a ticket resumes after one key rotation (the previous key still decrypts) and not after two. */
class TicketRotationTest {
  @Test
  void aTicketResumesAcrossOneRotationAndNotAcrossTwo() throws Exception {
    TestPki pki = TestPki.newCa("Ticket CA");
    Path dir = TestPki.tempDir("tickets");
    Path crt = pki.issue("proxy.test", "proxy.test").writePem(dir, "server");
    Path ca = pki.writeCa(dir.resolve("ca.pem"));
    ServerTls tls = ServerTls.create(TlsSettings.builder().cert(crt).key(dir.resolve("server.key")).build(), List.of("http/1.1"),
        Duration.ofSeconds(5));
    assertThat(tls.providerName()).isEqualTo("OpenSSL");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              tls.addHandlers(ch.pipeline(), (ctx, protocol) -> { }); // the handshake is all this test needs
            }
          }).bind("127.0.0.1", 0).sync().channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      Path session = dir.resolve("session.pem");
      assertThat(handshake(port, ca, "-sess_out", session.toString())).contains("New, TLSv1.2");
      tls.rotateTickets();
      assertThat(handshake(port, ca, "-sess_in", session.toString())).as("one rotation").contains("Reused, TLSv1.2");
      tls.rotateTickets();
      assertThat(handshake(port, ca, "-sess_in", session.toString())).as("two rotations").contains("New, TLSv1.2");
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      tls.close();
    }
  }

  private static String handshake(int port, Path ca, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2",
        "-CAfile", ca.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
