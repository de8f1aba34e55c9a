package dev.loadstone.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority (BouncyCastle, EC P-256): issues server and client certificates, writes them
 * as PEM pairs or PKCS#12 into a directory under target/, and builds JDK client contexts that trust it.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate with its key. */
  record Issued(X509Certificate cert, KeyPair keys) {
    String subject() {
      return cert.getSubjectX500Principal().getName();
    }

    /** Writes {@code base.crt} and {@code base.key} (PKCS#8) into {@code dir}; returns the .crt path. */
    Path writePem(Path dir, String base) throws IOException {
      Files.createDirectories(dir);
      Path crt = dir.resolve(base + ".crt");
      Files.writeString(crt, pem(cert));
      Files.writeString(dir.resolve(base + ".key"), pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
      return crt;
    }

    Path writePkcs12(Path file, String password) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", keys.getPrivate(), password.toCharArray(), new X509Certificate[] {cert});
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        ks.store(out, password.toCharArray());
      }
      return file;
    }
  }

  private final Issued ca;

  private TestPki(Issued ca) {
    this.ca = ca;
  }

  static TestPki newCa(String name) throws Exception {
    KeyPair keys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    org.bouncycastle.cert.X509v3CertificateBuilder b = builder(subject, subject, keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new TestPki(new Issued(sign(b, keys), keys));
  }

  X509Certificate caCert() {
    return ca.cert;
  }

  /** A certificate for {@code cn} with these DNS names (and IP 127.0.0.1) as subject alternative names. */
  Issued issue(String cn, String... dnsNames) throws Exception {
    KeyPair keys = keyPair();
    GeneralName[] names = new GeneralName[dnsNames.length + 1];
    for (int i = 0; i < dnsNames.length; i++) {
      names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
    }
    names[dnsNames.length] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
    org.bouncycastle.cert.X509v3CertificateBuilder b = builder(new X500Name(ca.cert.getSubjectX500Principal().getName()), new X500Name("CN=" + cn), keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    return new Issued(sign(b, ca.keys), keys);
  }

  /** Writes the CA certificate as PEM. */
  Path writeCa(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, pem(ca.cert));
    return file;
  }

  /** A JDK client context trusting only this CA, with a fresh session cache (no resumption across contexts). */
  SSLContext clientContext() throws Exception {
    return clientContext(null, "TLSv1.3");
  }

  /** The same, presenting {@code clientCert} (or none) and speaking {@code protocol}. */
  SSLContext clientContext(Issued clientCert, String protocol) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientCert != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", clientCert.keys.getPrivate(), new char[0], new X509Certificate[] {clientCert.cert});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
    }
    SSLContext c = SSLContext.getInstance(protocol);
    c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
  }

  private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder b, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  /** A fresh directory under target/tls-tests. */
  static Path tempDir(String name) throws IOException {
    Path base = Files.createDirectories(Path.of("target", "tls-tests"));
    return Files.createTempDirectory(base, name + "-");
  }

  static List<String> names(Issued i) throws Exception {
    return i.cert.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
  }
}
