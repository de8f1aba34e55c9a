package dev.loadstone.proxy.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Checks that a PEM private key belongs to a certificate (it signs what the certificate's public key
 * verifies), so a reload that renamed in a new certificate but not yet its key is refused instead of serving
 * handshakes that fail. Keys other than unencrypted PKCS#8 RSA, EC or Ed25519 are left to the TLS provider.
 */
final class KeyMatch {
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private KeyMatch() {}

  static void check(X509Certificate cert, Path keyFile) throws IOException, GeneralSecurityException {
    String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    String alg = cert.getPublicKey().getAlgorithm();
    String signing = switch (alg) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (begin < 0 || end < begin || signing == null) {
      return;
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
    PrivateKey key = KeyFactory.getInstance(alg.equals("EdDSA") ? "Ed25519" : alg).generatePrivate(new PKCS8EncodedKeySpec(der));
    byte[] probe = "loadstone key check".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(signing);
    s.initSign(key);
    s.update(probe);
    byte[] signature = s.sign();
    s.initVerify(cert.getPublicKey());
    s.update(probe);
    if (!s.verify(signature)) {
      throw new IllegalArgumentException(keyFile + " is not the key of " + cert.getSubjectX500Principal().getName()
          + " (expected: the private key of the certificate)");
    }
  }
}
