package dev.loadstone.bench.soak;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak (issue 13): the proxy jar as its own process (paranoid leak detection) in front of three backends,
 * mixed traffic for {@code minutes}, a backend killed and restarted every 30 s, one drained and re-enabled every
 * minute; prints failed requests, heap after GC and open descriptors at the start and the end (both idle), and
 * leak reports. Exit 0 when every target holds. Usage: {@code Soak JAR [minutes] [workdir]}.
 */
public final class Soak {
  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Duration length = Duration.ofMinutes(args.length > 1 ? Long.parseLong(args[1]) : 10);
    Path dir = Files.createDirectories(Path.of(args.length > 2 ? args[2] : "/tmp/loadstone-soak"));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<SoakOrigin> origins = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      SoakOrigin o = new SoakOrigin("b" + i, freePort(), group);
      o.start();
      origins.add(o);
    }
    int port = freePort();
    int admin = freePort();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Dio.netty.leakDetection.level=paranoid", "-jar", jar.toString(),
        "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + admin, "--sticky-cookie", "lb",
        "--health-path", "/health", "--health-interval", "500ms", "--pool-idle-timeout", "2s",
        "--idle-timeout", "5s", "--header-timeout", "4s")); // idle client and pooled connections close soon after the traffic
    for (SoakOrigin o : origins) {
      cmd.addAll(List.of("--backend", "127.0.0.1:" + o.port + ",id=" + o.id));
    }
    Path log = dir.resolve("proxy.log");
    Process proxy = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    String adminBase = "http://127.0.0.1:" + admin;
    long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!answers(http, "http://127.0.0.1:" + port + "/small")) {
      if (System.nanoTime() > ready || !proxy.isAlive()) {
        throw new IllegalStateException("the proxy did not start; see " + log);
      }
      Thread.onSpinWait();
    }
    long pid = proxy.pid();
    long heapStart = heapAfterGc(pid);
    long fdsStart = fds(pid);

    SoakTraffic traffic = new SoakTraffic(port, length);
    List<String> chaos = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    int[] next = {0};
    timer.scheduleAtFixedRate(() -> {
      SoakOrigin o = origins.get(next[0]++ % 3);
      chaos.add(traffic.millis() + " kill " + o.id);
      o.kill();
      timer.schedule(() -> {
        o.start();
        chaos.add(traffic.millis() + " restart " + o.id);
      }, 5, TimeUnit.SECONDS);
    }, 30, 30, TimeUnit.SECONDS);
    timer.scheduleAtFixedRate(() -> {
      String id = origins.get((next[0] + 1) % 3).id;
      chaos.add(traffic.millis() + " drain " + id + " " + post(http, adminBase + "/api/backends/" + id + "/drain"));
      timer.schedule(() -> chaos.add(traffic.millis() + " enable " + id + " " + post(http, adminBase + "/api/backends/" + id + "/enable")),
          10, TimeUnit.SECONDS);
    }, 45, 60, TimeUnit.SECONDS);
    traffic.start();
    traffic.join();
    timer.shutdownNow();
    timer.awaitTermination(10, TimeUnit.SECONDS);
    for (SoakOrigin o : origins) {
      o.start(); // every backend up for the idle measurement (a no-op for those running)
    }
    long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long fdsEnd = fds(pid);
    while (fdsEnd != fdsStart && System.nanoTime() < quiet) { // pooled and client connections close when idle
      Thread.sleep(500); // polling a process we cannot subscribe to
      fdsEnd = fds(pid);
    }
    long heapEnd = heapAfterGc(pid);
    proxy.destroy();
    proxy.waitFor(40, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    long leaks = Files.readAllLines(log).stream().filter(l -> l.contains("LEAK:")).count();
    boolean ok = SoakReport.print(traffic, chaos, length, heapStart, heapEnd, fdsStart, fdsEnd, leaks, log);
    System.exit(ok ? 0 : 1);
  }

  private static boolean answers(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static int post(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static long fds(long pid) throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return s.count();
    }
  }

  /** KiB of heap in use right after a full GC of the proxy ({@code jcmd GC.run}, then {@code GC.heap_info}). */
  static long heapAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("no heap use in: " + info);
    }
    return Long.parseLong(m.group(1));
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
