package dev.loadstone.proxy.tls;

import dev.loadstone.proxy.admin.ConfigWatcher;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS termination for the proxy's listener. Holds the current {@link ServerContexts} behind one volatile
 * field: {@link #reload()} loads the files again and swaps it whole, so new handshakes get the new
 * certificates while open connections keep the session they have; a file that does not load is refused with
 * one ERROR line and the old certificates stay. The SNI lookup reads that field per handshake. Session
 * tickets: with OpenSSL the proxy sets the ticket keys and rotates them every {@code tls-ticket-key-rotation}
 * (the previous key still decrypts); the JDK provider makes and rotates its own.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
  static final String DETECT = "tls-detect";
  static final String SNI = "tls";
  static final String ALPN = "alpn";

  private final TlsSettings settings;
  private final SslProvider provider;
  private final List<String> alpn;
  private final Duration handshakeTimeout;
  private final SecureRandom random = new SecureRandom();
  private final List<ConfigWatcher> watchers = new ArrayList<>();
  private volatile ServerContexts current;
  private OpenSslSessionTicketKey[] tickets; // guarded by this; null with the JDK provider
  private java.util.concurrent.ScheduledExecutorService rotation; // its own thread: a rotation waits for a reload, never an event loop

  private ServerTls(TlsSettings settings, List<String> alpn, Duration handshakeTimeout) {
    this.settings = settings;
    this.provider = provider(settings.provider);
    this.alpn = List.copyOf(alpn);
    this.handshakeTimeout = handshakeTimeout;
    if (provider == SslProvider.OPENSSL) {
      tickets = new OpenSslSessionTicketKey[] {newTicketKey()};
    }
    this.current = ServerContexts.load(settings, provider, alpn, tickets);
  }

  /**
   * Loads the certificates (a bad file fails here, naming it); {@code alpn} is what ALPN offers, in order;
   * a handshake (from the first byte) that takes longer than {@code handshakeTimeout} is closed.
   */
  public static ServerTls create(TlsSettings settings, List<String> alpn, Duration handshakeTimeout) {
    ServerTls t = new ServerTls(settings, alpn, handshakeTimeout);
    log.info("TLS on: provider {}, protocols {}, ALPN {}, {} certificate name(s){}", t.providerName(), settings.protocols, alpn,
        t.current.byName.size(), settings.clientCa == null ? "" : ", client certificates " + TlsSettings.name(settings.clientAuth));
    return t;
  }

  /** Loads the certificate files as a start would (for {@code --check}); a file that does not load is the error. */
  public static void check(TlsSettings settings) {
    if (settings.enabled()) {
      ServerContexts.load(settings, provider(settings.provider), List.of("http/1.1"), null);
    }
  }

  /** Rotates the ticket keys on a daemon thread and, when {@code watch}, reloads when a certificate file changes. */
  public ServerTls start(boolean watch) {
    if (tickets != null) {
      long every = settings.ticketKeyRotation.toNanos();
      rotation = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lb-tls-ticket-keys");
        t.setDaemon(true);
        return t;
      });
      rotation.scheduleAtFixedRate(this::rotateTickets, every, every, TimeUnit.NANOSECONDS);
    }
    if (watch) {
      for (Path file : new LinkedHashSet<>(current.files)) {
        try {
          watchers.add(ConfigWatcher.start(file, this::reload));
        } catch (IOException e) {
          log.warn("TLS: {} cannot be watched ({}); SIGHUP reloads it", file, e.getMessage());
        }
      }
    }
    return this;
  }

  /** {@code OpenSSL} or {@code JDK}: the provider serving handshakes. */
  public String providerName() {
    return provider == SslProvider.OPENSSL ? "OpenSSL" : "JDK";
  }

  /** Loads every certificate file again and swaps them in; returns false (and logs one line) when a file is refused. */
  public synchronized boolean reload() {
    try {
      current = ServerContexts.load(settings, provider, alpn, tickets);
    } catch (RuntimeException e) {
      log.error("TLS reload refused, the running certificates stay: {}", e.getMessage());
      return false;
    }
    log.info("TLS certificates reloaded: {} name(s)", current.byName.size());
    return true;
  }

  /**
   * Puts the TLS handlers at the end of {@code p}: plain-HTTP detection, SNI then the TLS handshake, then ALPN,
   * which calls {@code protocolSelected} with the protocol ({@code http/1.1} also when the client offered none).
   */
  public void addHandlers(ChannelPipeline p, BiConsumer<ChannelHandlerContext, String> protocolSelected) {
    p.addLast(DETECT, new PlainHttpOnTlsPort());
    p.addLast(SNI, new Sni());
    p.addLast(ALPN, new ProtocolNegotiation(protocolSelected));
  }

  private final class Sni extends SniHandler {
    Sni() {
      super(new Lookup(), handshakeTimeout.toMillis());
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, io.netty.buffer.ByteBufAllocator allocator) {
      SslHandler h = super.newSslHandler(context, allocator);
      h.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
      return h;
    }
  }

  /** The SNI lookup over the current contexts; an unknown name gets the default, or fails with {@code reject}. */
  private final class Lookup implements AsyncMapping<String, SslContext> {
    @Override
    public Future<SslContext> map(String hostname, Promise<SslContext> promise) {
      ServerContexts c = current;
      if (hostname == null || settings.unknownSni == TlsSettings.UnknownSni.DEFAULT) {
        return promise.setSuccess(c.mapping.map(hostname));
      }
      String name = hostname.toLowerCase(Locale.ROOT);
      int dot = name.indexOf('.');
      boolean known = c.byName.containsKey(name) || dot > 0 && c.byName.containsKey("*" + name.substring(dot));
      return known ? promise.setSuccess(c.mapping.map(name)) : promise.setFailure(new UnknownSniException(hostname));
    }
  }

  /** A client asked for a name no certificate has, with {@code tls-unknown-sni: reject}. */
  static final class UnknownSniException extends javax.net.ssl.SSLException {
    UnknownSniException(String name) {
      super("unknown SNI name " + name + " (tls-unknown-sni: reject)");
    }
  }

  /**
   * A new session ticket key now (also every {@code tls-ticket-key-rotation}): new tickets use it, tickets of
   * the previous key still resume, older ones no longer do. Nothing with the JDK provider.
   */
  public synchronized void rotateTickets() {
    if (tickets == null) {
      return;
    }
    tickets = new OpenSslSessionTicketKey[] {newTicketKey(), tickets[0]};
    ServerContexts c = current;
    ServerContexts.setTickets(c.fallback, tickets);
    c.byName.values().forEach(ctx -> ServerContexts.setTickets(ctx, tickets));
    log.debug("TLS session ticket key rotated");
  }

  private OpenSslSessionTicketKey newTicketKey() {
    byte[] name = new byte[16];
    byte[] hmac = new byte[16];
    byte[] aes = new byte[16];
    random.nextBytes(name);
    random.nextBytes(hmac);
    random.nextBytes(aes);
    return new OpenSslSessionTicketKey(name, hmac, aes);
  }

  /** OpenSSL when asked for or when {@code auto} and it loads; asking for {@code openssl} where it does not load fails. */
  static SslProvider provider(TlsSettings.Provider p) {
    if (p == TlsSettings.Provider.JDK) {
      return SslProvider.JDK;
    }
    if (OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    if (p == TlsSettings.Provider.OPENSSL) {
      throw new IllegalStateException("tls-provider: openssl, but OpenSSL does not load here (" + OpenSsl.unavailabilityCause() + ")");
    }
    log.info("TLS: OpenSSL does not load here ({}); using the JDK provider", String.valueOf(OpenSsl.unavailabilityCause()));
    return SslProvider.JDK;
  }

  @Override
  public void close() {
    watchers.forEach(ConfigWatcher::close);
    if (rotation != null) {
      rotation.shutdownNow();
    }
  }
}
