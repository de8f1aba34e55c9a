package dev.loadstone.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The proxy in its own JVM (the tests' classpath or a jar), stopped by {@link #close()}. */
final class ChildProxy implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("lb-proxy listening on ([^ ]+):(\\d+) with .*");
  private final Process process;
  private final InetSocketAddress address;

  private ChildProxy(List<String> command, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
    process = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null) {
      process.destroyForcibly();
      throw new IOException("the proxy exited before listening (see " + log + ")");
    }
    Matcher m = LISTENING.matcher(line);
    if (!m.matches()) {
      process.destroyForcibly();
      throw new IOException("unexpected first line from the proxy: " + line);
    }
    address = new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
  }

  /** {@code java <jvmArgs> -cp <this JVM's classpath> dev.loadstone.proxy.Main <args>}. */
  static ChildProxy fromClasspath(List<String> jvmArgs, List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-Dloadstone.logging=defaults"); // the production config (stderr), not the tests'
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    return new ChildProxy(cmd, log);
  }

  /** {@code java -jar <jar> <args>}, as users run it. */
  static ChildProxy fromJar(Path jar, List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    return new ChildProxy(cmd, log);
  }

  InetSocketAddress address() {
    return address;
  }

  /** Sends the proxy a signal, e.g. {@code HUP}. */
  void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then waits for the graceful shutdown; returns the exit code (0 after a graceful shutdown). */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
