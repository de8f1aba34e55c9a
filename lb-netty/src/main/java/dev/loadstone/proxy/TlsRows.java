package dev.loadstone.proxy;

import static dev.loadstone.proxy.Settings.s;
import static dev.loadstone.proxy.ValueTypes.ADDRESS;
import static dev.loadstone.proxy.ValueTypes.BOOLEAN;
import static dev.loadstone.proxy.ValueTypes.DURATION;
import static dev.loadstone.proxy.ValueTypes.PATH;
import static dev.loadstone.proxy.ValueTypes.STRING;
import static dev.loadstone.proxy.ValueTypes.list;

import dev.loadstone.proxy.tls.TlsSettings;
import java.util.List;

/** The TLS rows of {@link Settings#ALL}: they fill the draft's {@link TlsSettings.Builder}. */
final class TlsRows {
  private TlsRows() {}

  /** {@code CERT,KEY} as text, or {@code {cert: FILE, key: FILE}} in YAML. */
  private static final ValueType<TlsSettings.CertPair> CERT_PAIR = new ValueType<>() {
    @Override
    public TlsSettings.CertPair fromText(String key, String text) {
      String[] parts = text.split(",", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: " + expected() + ")");
      }
      return new TlsSettings.CertPair(java.nio.file.Path.of(parts[0].trim()), java.nio.file.Path.of(parts[1].trim()));
    }

    @Override
    public TlsSettings.CertPair fromYaml(String key, com.fasterxml.jackson.databind.JsonNode node) {
      if (node.isValueNode()) {
        return fromText(key, node.asText());
      }
      java.util.Set<String> names = new java.util.TreeSet<>();
      node.fieldNames().forEachRemaining(names::add);
      if (!node.isObject() || !names.equals(java.util.Set.of("cert", "key")) || !node.get("cert").isTextual() || !node.get("key").isTextual()) {
        throw ValueType.wrongType(key, node, expected());
      }
      return new TlsSettings.CertPair(java.nio.file.Path.of(node.get("cert").asText()), java.nio.file.Path.of(node.get("key").asText()));
    }

    @Override
    public String expected() {
      return "CERT_FILE,KEY_FILE or {cert: FILE, key: FILE}";
    }
  };

  static final List<Setting<?>> ROWS = List.of(
      s("tls-cert", "FILE", PATH, "none", "Serve TLS with this PEM certificate chain (the default certificate); needs tls-key.",
          (d, v) -> d.tls.cert(v)).shows(c -> c.tls().cert()),
      s("tls-key", "FILE", PATH, "none", "The private key of tls-cert: unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY; openssl pkcs8 -topk8 -nocrypt converts others).",
          (d, v) -> d.tls.key(v)).shows(c -> c.tls().key()),
      s("tls-keystore", "FILE", PATH, "none", "Serve TLS with the certificate and key of this PKCS#12 keystore instead of tls-cert and tls-key.",
          (d, v) -> d.tls.keystore(v)).shows(c -> c.tls().keystore()),
      new Setting<>("tls-keystore-password", null, null, STRING, "empty",
          "The password of tls-keystore. YAML only: a password on a command line is visible to every local user.",
          List.of(), (Settings.Draft d, String v) -> d.tls.keystorePassword(v)).shows(c -> c.tls().keystore() == null ? null : "(set)"),
      s("tls-certificates", "tls-certificate", "CERT,KEY", list(CERT_PAIR), "none",
          "More certificates chosen by SNI, each a PEM chain and its key ({cert, key} in YAML), served for the DNS names"
              + " its certificate names; the first is the default when tls-cert is not set. Repeatable.",
          (d, v) -> d.tls.certificates(v)).shows(c -> c.tls().certificates().stream().map(p -> p.cert() + "," + p.key()).toList()),
      s("tls-cert-dir", "DIR", PATH, "none",
          "A directory of NAME.crt (or .pem) and NAME.key pairs, each served to clients whose SNI name its certificate"
              + " names; the first pair is the default when neither tls-cert nor tls-certificates is set.",
          (d, v) -> d.tls.certDir(v)).shows(c -> c.tls().certDir()),
      s("tls-provider", "NAME", STRING, "auto", "auto (OpenSSL when it loads, else the JDK's), openssl or jdk; the start logs which one serves.",
          (d, v) -> d.tls.provider(v)).shows(c -> TlsSettings.name(c.tls().provider())),
      s("tls-protocols", "tls-protocol", "NAME", list(STRING), "[TLSv1.3, TLSv1.2]", "TLS versions to accept: TLSv1.3 and/or TLSv1.2. Repeatable.",
          (d, v) -> d.tls.protocols(v)).shows(c -> c.tls().protocols()),
      s("tls-ciphers", "tls-cipher", "NAME", list(STRING), "Mozilla intermediate",
          "Cipher suites in order of preference (IANA names); those the provider lacks are skipped. Repeatable.",
          (d, v) -> d.tls.ciphers(v)).shows(c -> c.tls().ciphers()),
      s("tls-ticket-key-rotation", "DURATION", DURATION, Durations.format(TlsSettings.DEFAULT_TICKET_KEY_ROTATION),
          "With OpenSSL, a new session ticket key this often (the previous one still resumes); the JDK rotates its own.",
          (d, v) -> d.tls.ticketKeyRotation(v)).shows(c -> c.tls().ticketKeyRotation()),
      s("tls-unknown-sni", "MODE", STRING, "default", "A client asking for a name no certificate has: default (gets the default certificate) or reject (closed).",
          (d, v) -> d.tls.unknownSni(v)).shows(c -> TlsSettings.name(c.tls().unknownSni())),
      s("tls-client-ca", "FILE", PATH, "none", "PEM CA certificates that client certificates must chain to (mTLS).",
          (d, v) -> d.tls.clientCa(v)).shows(c -> c.tls().clientCa()),
      s("tls-client-auth", "MODE", STRING, "none, require with tls-client-ca",
          "none, optional (verified when sent) or require (handshake fails without one).",
          (d, v) -> d.tls.clientAuth(v)).shows(c -> TlsSettings.name(c.tls().clientAuth())),
      s("tls-client-subject-header", "NAME", STRING, TlsSettings.DEFAULT_CLIENT_SUBJECT_HEADER,
          "Request header carrying the verified client certificate's subject to backends; always removed from client input.",
          (d, v) -> d.tls.clientSubjectHeader(v)).shows(c -> c.tls().clientSubjectHeader()),
      s("hsts", "VALUE", STRING, "off", "Strict-Transport-Security added to responses on TLS, e.g. 'max-age=31536000; includeSubDomains'.",
          (d, v) -> d.tls.hsts(v)).shows(c -> c.tls().hsts() == null ? "off" : c.tls().hsts()),
      s("redirect-listen", "HOST:PORT", ADDRESS, "off", "A plain HTTP listener answering 308 to the same host and path on https (the TLS port).",
          (d, v) -> d.tls.redirectListen(v)).shows(c -> c.tls().redirectListen() == null ? "off" : c.tls().redirectListen()),
      s("backend-tls", "BOOL", BOOLEAN, "false",
          "Speak TLS to every backend, connections and HTTP health checks alike (as nginx's proxy_pass https:// to an upstream).",
          (d, v) -> d.tls.backendTls(v)).shows(c -> c.tls().backendTls()),
      s("backend-tls-trust", "FILE", PATH, "the JDK's trust store", "PEM CA certificates that TLS backends must chain to.",
          (d, v) -> d.tls.backendTrust(v)).shows(c -> c.tls().backendTrust()),
      s("backend-tls-verify-hostname", "BOOL", BOOLEAN, "true", "Check that a TLS backend's certificate names the backend's host (or IP address).",
          (d, v) -> d.tls.backendVerifyHostname(v)).shows(c -> c.tls().backendVerifyHostname()));
}
