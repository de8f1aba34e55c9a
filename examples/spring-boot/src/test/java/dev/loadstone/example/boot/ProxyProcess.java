package dev.loadstone.example.boot;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Loadstone proxy as users run it: its shaded jar ({@code lb-netty/target/lb-proxy.jar}, copied by the build) in
 * its own JVM, round robin over the given backends, on a free loopback port that it prints on its first line. A
 * separate process, so its Netty (4.2) never meets the application's (Boot 3.5 selects 4.1).
 */
final class ProxyProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("lb-proxy listening on 127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final int port;

  private ProxyProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ProxyProcess roundRobin(int... backends) throws Exception {
    Path jar = Path.of(System.getProperty("lb.proxy.jar", "target/proxy/lb-proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no proxy jar at " + jar.toAbsolutePath() + " (expected: the build copies "
          + "lb-netty's shaded jar there in pre-integration-test; run through ./mvnw verify)");
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-jar", jar.toString(), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
        "--algorithm", "round-robin", "--health-type", "none"));
    for (int backend : backends) {
      command.add("--backend");
      command.add("127.0.0.1:" + backend);
    }
    Path log = Files.createDirectories(Path.of("target", "proxy")).resolve("proxy-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
        throw new IllegalStateException("the proxy ended without listening; see " + log.toAbsolutePath());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      return new ProxyProcess(p, port.get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM: the proxy drains and exits
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
