package dev.loadstone.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code --tls}: the demo's proxy serves HTTPS with a certificate it made at start, and prints the https URL. */
class DemoTlsIT {
  @Test
  void withTlsTheProxyServesHttpsAndPrintsTheHttpsUrl() throws Exception {
    assertThat(Path.of("/usr/bin/curl")).as("this test needs curl").isExecutable();
    List<Integer> ports = DemoIT.freePorts(3);
    StringWriter printed = new StringWriter();
    DemoMain main = new DemoMain(new PrintWriter(printed, true), false);
    assertThat(DemoMain.run(new String[] {"--tls", "--proxy-port", "0", "--admin-port", "0", "--app-ports",
        ports.get(0) + "," + ports.get(1) + "," + ports.get(2)}, main, null)).isZero();
    try {
      String url = main.demo.proxyUrl();
      assertThat(url).startsWith("https://127.0.0.1:");
      assertThat(printed.toString()).contains("Open      " + url);
      Process p = new ProcessBuilder("curl", "-sS", "-k", "--http1.1", url + "whoami").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("\"visits\":1");
    } finally {
      main.demo.close();
    }
  }
}
