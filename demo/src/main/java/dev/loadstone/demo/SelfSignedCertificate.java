package dev.loadstone.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and 127.0.0.1, made at start by the JDK's {@code keytool}
 * into a PKCS#12 keystore in a temporary directory (removed on exit). Browsers warn about it; curl takes
 * {@code -k}. For the demo only.
 */
final class SelfSignedCertificate {
  static final String PASSWORD = "loadstone-demo";

  private SelfSignedCertificate() {}

  /** Generates the keystore; a keytool that fails is an error with its output. */
  static Path generate() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("loadstone-demo-tls");
    Path p12 = dir.resolve("demo.p12");
    p12.toFile().deleteOnExit();
    dir.toFile().deleteOnExit();
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "demo", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30",
        "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool could not make the demo certificate: " + out.strip());
    }
    return p12;
  }
}
