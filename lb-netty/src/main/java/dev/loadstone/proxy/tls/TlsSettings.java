package dev.loadstone.proxy.tls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * TLS to clients and to backends, immutable: the certificates (PEM pair, PKCS#12 keystore, a directory of
 * pairs chosen by SNI), the provider, protocols and ciphers, session tickets, client certificates, the
 * https redirect listener, HSTS, and the trust for {@code https://} backends. {@link #OFF} serves plain HTTP.
 * Each builder option may be set once; {@link Builder#build()} checks the combination.
 */
public final class TlsSettings {
  /** Mozilla's "intermediate" list (TLS 1.3 suites, then ECDHE with AES-GCM or ChaCha20-Poly1305), IANA names. */
  public static final List<String> DEFAULT_CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  public static final Duration DEFAULT_TICKET_KEY_ROTATION = Duration.ofHours(1);
  public static final String DEFAULT_CLIENT_SUBJECT_HEADER = "x-client-cert-subject";
  public static final TlsSettings OFF = builder().build();

  /** A certificate chain and its key, PEM: one entry of {@code tls-certificates}. */
  public record CertPair(Path cert, Path key) {
    public CertPair {
      java.util.Objects.requireNonNull(cert, "cert");
      java.util.Objects.requireNonNull(key, "key");
    }
  }

  /** Which TLS implementation serves: OpenSSL (netty-tcnative BoringSSL) when it loads, else the JDK's. */
  public enum Provider { AUTO, OPENSSL, JDK }

  /** What a client gets whose SNI name no certificate has: the default certificate, or a closed connection. */
  public enum UnknownSni { DEFAULT, REJECT }

  /** Whether clients must (or may) present a certificate signed by {@code tls-client-ca}. */
  public enum ClientAuth { NONE, OPTIONAL, REQUIRE }

  final Path cert;
  final Path key;
  final Path keystore;
  final String keystorePassword;
  final Path certDir;
  final List<CertPair> certificates;
  final Provider provider;
  final List<String> protocols;
  final List<String> ciphers;
  final Duration ticketKeyRotation;
  final UnknownSni unknownSni;
  final Path clientCa;
  final ClientAuth clientAuth;
  final String clientSubjectHeader;
  final String hsts;
  final InetSocketAddress redirectListen;
  final boolean backendTls;
  final Path backendTrust;
  final boolean backendVerifyHostname;

  private TlsSettings(Builder b) {
    cert = b.cert;
    key = b.key;
    keystore = b.keystore;
    keystorePassword = b.keystorePassword == null ? "" : b.keystorePassword;
    certDir = b.certDir;
    certificates = or(b.certificates, List.of());
    provider = or(b.provider, Provider.AUTO);
    protocols = or(b.protocols, DEFAULT_PROTOCOLS);
    ciphers = or(b.ciphers, DEFAULT_CIPHERS);
    ticketKeyRotation = or(b.ticketKeyRotation, DEFAULT_TICKET_KEY_ROTATION);
    unknownSni = or(b.unknownSni, UnknownSni.DEFAULT);
    clientCa = b.clientCa;
    clientAuth = or(b.clientAuth, clientCa == null ? ClientAuth.NONE : ClientAuth.REQUIRE);
    clientSubjectHeader = or(b.clientSubjectHeader, DEFAULT_CLIENT_SUBJECT_HEADER);
    hsts = b.hsts;
    redirectListen = b.redirectListen;
    backendTls = or(b.backendTls, false);
    backendTrust = b.backendTrust;
    backendVerifyHostname = or(b.backendVerifyHostname, true);
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(cert == null ? "tls-key: set without tls-cert (expected: both, PEM)"
          : "tls-cert: set without tls-key (expected: both, PEM)");
    }
    if (cert != null && keystore != null) {
      throw new IllegalArgumentException("tls-keystore: set with tls-cert (expected: one of a PEM pair or a PKCS#12 keystore)");
    }
    if (clientAuth != ClientAuth.NONE && clientCa == null) {
      throw new IllegalArgumentException("tls-client-auth: " + name(clientAuth) + " (expected: tls-client-ca to verify client certificates)");
    }
    if (!backendTls && (backendTrust != null || b.backendVerifyHostname != null)) {
      throw new IllegalArgumentException((backendTrust != null ? "backend-tls-trust" : "backend-tls-verify-hostname")
          + ": set without backend-tls: true");
    }
    boolean server = enabled();
    if (!server && (redirectListen != null || hsts != null || clientCa != null)) {
      throw new IllegalArgumentException((redirectListen != null ? "redirect-listen" : hsts != null ? "hsts" : "tls-client-ca")
          + ": set without a certificate (expected: tls-cert and tls-key, tls-keystore, tls-certificates or tls-cert-dir)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether the proxy's listener speaks TLS (a certificate is configured). */
  public boolean enabled() {
    return cert != null || keystore != null || certDir != null || !certificates.isEmpty();
  }

  public Path cert() { return cert; }

  public Path key() { return key; }

  public Path keystore() { return keystore; }

  public Path certDir() { return certDir; }

  /** More certificates chosen by SNI (each for the DNS names it names), besides {@link #certDir()}'s. */
  public List<CertPair> certificates() { return certificates; }

  public Provider provider() { return provider; }

  public List<String> protocols() { return protocols; }

  public List<String> ciphers() { return ciphers; }

  public Duration ticketKeyRotation() { return ticketKeyRotation; }

  public UnknownSni unknownSni() { return unknownSni; }

  public Path clientCa() { return clientCa; }

  public ClientAuth clientAuth() { return clientAuth; }

  /** The request header carrying the client certificate's subject, lower-case; always removed from client input. */
  public String clientSubjectHeader() { return clientSubjectHeader; }

  /** The Strict-Transport-Security value added to responses on TLS, e.g. {@code max-age=31536000}, or null. */
  public String hsts() { return hsts; }

  /** The plain listener that answers 308 to the https URL, or null. */
  public InetSocketAddress redirectListen() { return redirectListen; }

  /** Whether the proxy speaks TLS to every backend (connections and HTTP health checks). */
  public boolean backendTls() { return backendTls; }

  /** PEM CA certificates that TLS backends must chain to, or null for the JDK's trust store. */
  public Path backendTrust() { return backendTrust; }

  public boolean backendVerifyHostname() { return backendVerifyHostname; }

  /** A setting's value in lower case with '-' (for messages and {@code --check}). */
  public static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static <T> T or(T v, T otherwise) {
    return v == null ? otherwise : v;
  }

  private static <T> T once(T current, String key, T value) {
    if (current != null) {
      throw new IllegalStateException(key + " was already set");
    }
    return Objects.requireNonNull(value, key);
  }

  private static <E extends Enum<E>> E parse(String key, Class<E> type, String text) {
    for (E e : type.getEnumConstants()) {
      if (name(e).equals(text.trim().toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(TlsSettings::name).toList();
    throw new IllegalArgumentException(key + ": '" + text + "' (expected: " + String.join(", ", names) + ")");
  }

  /** Each option may be set once. */
  public static final class Builder {
    private Path cert;
    private Path key;
    private Path keystore;
    private String keystorePassword;
    private Path certDir;
    private List<CertPair> certificates;
    private Provider provider;
    private List<String> protocols;
    private List<String> ciphers;
    private Duration ticketKeyRotation;
    private UnknownSni unknownSni;
    private Path clientCa;
    private ClientAuth clientAuth;
    private String clientSubjectHeader;
    private String hsts;
    private InetSocketAddress redirectListen;
    private Boolean backendTls;
    private Path backendTrust;
    private Boolean backendVerifyHostname;

    private Builder() {}

    /** The default certificate chain (PEM); needs {@link #key}. */
    public Builder cert(Path file) { cert = once(cert, "tls-cert", file); return this; }

    /** The default certificate's private key (unencrypted PKCS#8 PEM). */
    public Builder key(Path file) { key = once(key, "tls-key", file); return this; }

    /** A PKCS#12 keystore with the default certificate and its key (instead of {@link #cert}/{@link #key}). */
    public Builder keystore(Path file) { keystore = once(keystore, "tls-keystore", file); return this; }

    public Builder keystorePassword(String password) {
      keystorePassword = once(keystorePassword, "tls-keystore-password", password);
      return this;
    }

    /** A directory of {@code NAME.crt}/{@code NAME.key} pairs, each served for the DNS names of its certificate. */
    public Builder certDir(Path dir) { certDir = once(certDir, "tls-cert-dir", dir); return this; }

    public Builder certificates(List<CertPair> pairs) {
      certificates = List.copyOf(once(certificates, "tls-certificates", pairs));
      return this;
    }

    public Builder provider(Provider p) { provider = once(provider, "tls-provider", p); return this; }

    public Builder provider(String text) { return provider(parse("tls-provider", Provider.class, text)); }

    /** A non-empty subset of TLSv1.3 and TLSv1.2. */
    public Builder protocols(List<String> list) {
      once(protocols, "tls-protocols", list);
      if (list.isEmpty() || !DEFAULT_PROTOCOLS.containsAll(list)) {
        throw new IllegalArgumentException("tls-protocols: " + list + " (expected: TLSv1.3 and/or TLSv1.2)");
      }
      protocols = List.copyOf(list);
      return this;
    }

    /** Cipher suites in order of preference (IANA or OpenSSL names); those the provider lacks are skipped. */
    public Builder ciphers(List<String> list) {
      once(ciphers, "tls-ciphers", list);
      if (list.isEmpty()) {
        throw new IllegalArgumentException("tls-ciphers: [] (expected: at least one cipher suite)");
      }
      ciphers = List.copyOf(list);
      return this;
    }

    public Builder ticketKeyRotation(Duration d) {
      once(ticketKeyRotation, "tls-ticket-key-rotation", d);
      if (d.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("tls-ticket-key-rotation: " + d + " (expected: >= 1m)");
      }
      ticketKeyRotation = d;
      return this;
    }

    public Builder unknownSni(UnknownSni u) { unknownSni = once(unknownSni, "tls-unknown-sni", u); return this; }

    public Builder unknownSni(String text) { return unknownSni(parse("tls-unknown-sni", UnknownSni.class, text)); }

    /** PEM CA certificates that client certificates must chain to. */
    public Builder clientCa(Path file) { clientCa = once(clientCa, "tls-client-ca", file); return this; }

    public Builder clientAuth(ClientAuth a) { clientAuth = once(clientAuth, "tls-client-auth", a); return this; }

    public Builder clientAuth(String text) { return clientAuth(parse("tls-client-auth", ClientAuth.class, text)); }

    public Builder clientSubjectHeader(String name) {
      once(clientSubjectHeader, "tls-client-subject-header", name);
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        throw new IllegalArgumentException("tls-client-subject-header: '" + name + "' (expected: a header name)");
      }
      clientSubjectHeader = name.toLowerCase(Locale.ROOT);
      return this;
    }

    /** The Strict-Transport-Security value, e.g. {@code max-age=31536000; includeSubDomains}. */
    public Builder hsts(String value) {
      once(hsts, "hsts", value);
      if (!value.trim().toLowerCase(Locale.ROOT).startsWith("max-age=") || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException("hsts: '" + value + "' (expected: max-age=SECONDS[; includeSubDomains][; preload])");
      }
      hsts = value.trim();
      return this;
    }

    public Builder redirectListen(InetSocketAddress address) {
      redirectListen = once(redirectListen, "redirect-listen", address);
      return this;
    }

    public Builder backendTls(boolean on) { backendTls = once(backendTls, "backend-tls", on); return this; }

    public Builder backendTrust(Path file) { backendTrust = once(backendTrust, "backend-tls-trust", file); return this; }

    public Builder backendVerifyHostname(boolean on) {
      backendVerifyHostname = once(backendVerifyHostname, "backend-tls-verify-hostname", on);
      return this;
    }

    public TlsSettings build() {
      return new TlsSettings(this);
    }
  }
}
