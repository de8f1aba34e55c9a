package dev.loadstone.proxy.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the handshake: stores the connection's {@link TlsInfo} on the channel, then hands the negotiated
 * protocol ({@code http/1.1} when the client offered no ALPN) to the proxy's pipeline assembly, and passes
 * {@code channelActive} on to the handlers it installed (they were not there when the connection opened).
 * A failed handshake or a refused SNI name closes the connection with one DEBUG line, no stack trace.
 */
final class ProtocolNegotiation extends ApplicationProtocolNegotiationHandler {
  private static final Logger log = LoggerFactory.getLogger(ProtocolNegotiation.class);

  private final BiConsumer<ChannelHandlerContext, String> protocolSelected;
  private String sniName;

  ProtocolNegotiation(BiConsumer<ChannelHandlerContext, String> protocolSelected) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.protocolSelected = protocolSelected;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    ctx.read(); // AUTO_READ is off: the handshake's first bytes
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SniCompletionEvent sni && sni.isSuccess()) {
      sniName = sni.hostname();
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    SSLSession session = ssl.engine().getSession();
    new TlsInfo(session.getProtocol(), session.getCipherSuite(), sniName, peerSubject(session)).attachTo(ctx.channel());
    protocolSelected.accept(ctx, protocol);
    ctx.fireChannelActive();
  }

  private static String peerSubject(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x.getSubjectX500Principal().getName() : null;
    } catch (SSLPeerUnverifiedException none) {
      return null;
    }
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (ctx.channel().isOpen()) { // once: the TLS handlers may report one failure more than once while closing
      log.debug("TLS connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }
}
