package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar, run the way users run it: {@code java -jar lb-netty/target/lb-proxy.jar ...}. */
class ShadedJarIT {
  private static final Path JAR = Path.of("target", "lb-proxy.jar");

  @Test
  void theJarProxiesRequestsAndStopsCleanlyOnSigterm() throws Exception {
    assertThat(JAR).exists();
    Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("jar-proxy.log");
    try (TestOrigin a = TestOrigin.start("a");
        TestOrigin b = TestOrigin.start("b")) {
      ChildProxy proxy =
          ChildProxy.fromJar(JAR, List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", a.address(), "--backend", b.address() + ",weight=3,id=b2",
              "--algorithm", "weighted-round-robin", "--sticky-cookie", "LB_STICKY"), log);
      try (RawClient c = new RawClient(proxy.address())) {
        RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isIn("a", "b");
        assertThat(r.header("set-cookie")).startsWith("LB_STICKY=");
      } finally {
        assertThat(proxy.stop()).isEqualTo(0); // graceful SIGTERM exits 0 (issue 4)
      }
      String logged = Files.readString(log);
      assertThat(logged).contains("sticky cookies will not survive a restart");
      assertThat(logged).contains("lb-proxy stopped").doesNotContain("Exception");
    }
  }

  private static ProcessResult run(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new ProcessResult(p.exitValue(), out, err);
  }

  private record ProcessResult(int code, String out, String err) {}

  @Test
  void helpListsEveryFlag() throws Exception {
    ProcessResult r = run("--help");
    assertThat(r.code()).isZero();
    for (String flag : List.of("--listen", "--backend", "--algorithm", "--hash-key", "--sticky-cookie", "--sticky-key-file", "--admin",
        "--connect-timeout", "--response-timeout", "--idle-timeout", "--header-timeout", "--retries", "--max-body-size",
        "--trusted-proxy", "--config")) {
      assertThat(r.out()).contains(flag);
    }
  }

  @Test
  void aBadFlagIsOneLineOnStderrAndANonZeroExit() throws Exception {
    ProcessResult r = run("--backend", "127.0.0.1:9001", "--retries", "lots");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).startsWith("lb-proxy: ").contains("--retries").doesNotContain("Exception");
  }
}
