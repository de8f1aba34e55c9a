package dev.loadstone.proxy.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;

/**
 * One load of the server certificates: an {@link SslContext} per certificate (the default one and each
 * {@code NAME.crt}/{@code NAME.key} pair of {@code tls-cert-dir}), and the SNI mapping from each certificate's
 * DNS names (subject alternative names, else the common name; {@code *.example.com} wildcards as Netty's
 * {@link DomainWildcardMappingBuilder} reads them). Immutable once loaded: a reload loads a new one.
 */
final class ServerContexts {
  final SslContext fallback;
  /** Every name a certificate was loaded for, lower-case, to the context that serves it. */
  final Map<String, SslContext> byName;
  final Mapping<String, SslContext> mapping;
  /** The files read, for the reload watchers. */
  final List<Path> files;

  private ServerContexts(SslContext fallback, Map<String, SslContext> byName, List<Path> files) {
    this.fallback = fallback;
    this.byName = Map.copyOf(byName);
    this.files = List.copyOf(files);
    DomainWildcardMappingBuilder<SslContext> m = new DomainWildcardMappingBuilder<>(fallback);
    byName.forEach(m::add);
    this.mapping = m.build();
  }

  /** Loads every certificate; a file that cannot be read or parsed fails the whole load with its name. */
  static ServerContexts load(TlsSettings s, SslProvider provider, List<String> alpn, OpenSslSessionTicketKey[] tickets) {
    Map<String, SslContext> byName = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    SslContext fallback = null;
    if (s.cert != null) {
      fallback = pem(s, provider, alpn, s.cert, s.key, byName, files);
    } else if (s.keystore != null) {
      fallback = pkcs12(s, provider, alpn, byName);
      files.add(s.keystore);
    }
    for (TlsSettings.CertPair p : s.certificates) {
      SslContext c = pem(s, provider, alpn, p.cert(), p.key(), byName, files);
      fallback = fallback == null ? c : fallback;
    }
    if (s.certDir != null) {
      for (Path crt : pairs(s.certDir)) {
        Path key = crt.resolveSibling(crt.getFileName().toString().replaceFirst("\\.(crt|pem)$", ".key"));
        SslContext c = pem(s, provider, alpn, crt, key, byName, files);
        fallback = fallback == null ? c : fallback;
      }
      if (fallback == null) {
        throw new IllegalArgumentException("tls-cert-dir: " + s.certDir + " has no NAME.crt with NAME.key (expected: at least one pair)");
      }
    }
    if (s.clientCa != null) {
      files.add(s.clientCa);
    }
    if (tickets != null) {
      setTickets(fallback, tickets);
      byName.values().forEach(c -> setTickets(c, tickets));
    }
    return new ServerContexts(fallback, byName, files);
  }

  /** Sets the session ticket keys (the first encrypts new tickets, every one decrypts) on an OpenSSL context. */
  static void setTickets(SslContext c, OpenSslSessionTicketKey[] keys) {
    if (c.sessionContext() instanceof OpenSslSessionContext o) {
      o.setTicketKeys(keys);
    }
  }

  private static List<Path> pairs(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().matches(".*\\.(crt|pem)$"))
          .filter(p -> Files.exists(p.resolveSibling(p.getFileName().toString().replaceFirst("\\.(crt|pem)$", ".key"))))
          .sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("tls-cert-dir: " + dir + ": cannot be listed (" + e.getMessage() + ")", e);
    }
  }

  private static SslContext pem(TlsSettings s, SslProvider provider, List<String> alpn, Path crt, Path key,
      Map<String, SslContext> byName, List<Path> files) {
    files.add(crt);
    files.add(key);
    List<X509Certificate> chain = certificates(crt);
    try {
      KeyMatch.check(chain.get(0), key);
      SslContext c = configure(SslContextBuilder.forServer(crt.toFile(), key.toFile()), s, provider, alpn).build();
      names(chain.get(0)).forEach(n -> byName.putIfAbsent(n, c));
      return c;
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("tls: " + crt + " / " + key + ": " + message(e), e);
    }
  }

  private static SslContext pkcs12(TlsSettings s, SslProvider provider, List<String> alpn, Map<String, SslContext> byName) {
    try (InputStream in = Files.newInputStream(s.keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      char[] password = s.keystorePassword.toCharArray();
      ks.load(in, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SslContext c = configure(SslContextBuilder.forServer(kmf), s, provider, alpn).build();
      for (String alias : java.util.Collections.list(ks.aliases())) {
        if (ks.getCertificate(alias) instanceof X509Certificate x) {
          names(x).forEach(n -> byName.putIfAbsent(n, c));
        }
      }
      return c;
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("tls-keystore: " + s.keystore + ": " + message(e), e);
    }
  }

  private static SslContextBuilder configure(SslContextBuilder b, TlsSettings s, SslProvider provider, List<String> alpn) {
    b.sslProvider(provider)
        .protocols(s.protocols)
        .ciphers(s.ciphers, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
    if (s.clientCa != null) {
      b.trustManager(s.clientCa.toFile()).clientAuth(switch (s.clientAuth) {
        case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
        case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
        case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
      });
    }
    return b;
  }

  /** The certificates of a PEM file; none, or a file that is no certificate, is an error naming the file. */
  static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> out = all.stream().map(X509Certificate.class::cast).toList();
      if (out.isEmpty()) {
        throw new IllegalArgumentException(file + ": no certificate in it (expected: PEM)");
      }
      return out;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("tls: " + file + ": " + message(e) + " (expected: a PEM certificate)", e);
    }
  }

  /** The DNS names a certificate is for: its subject alternative names, else its subject's common name. */
  static List<String> names(X509Certificate x) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = x.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            out.add(san.get(1).toString().toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
      if (out.isEmpty()) {
        for (Rdn rdn : new LdapName(x.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            out.add(rdn.getValue().toString().toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException | javax.naming.InvalidNameException e) {
      throw new IllegalArgumentException("certificate " + x.getSubjectX500Principal() + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().contains("Exception"))) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
