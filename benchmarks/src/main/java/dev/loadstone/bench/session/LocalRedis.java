package dev.loadstone.bench.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A throwaway redis-server on a free loopback port for the benchmarks (never the machine's shared Redis). */
final class LocalRedis implements AutoCloseable {
  private final Process process;
  private final int port;

  private LocalRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static LocalRedis start() throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 5; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path dir = Files.createTempDirectory("loadstone-bench-redis");
      Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no")
          .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (p.isAlive() && System.nanoTime() < deadline) {
        if (ping(port)) {
          return new LocalRedis(p, port);
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
      p.destroyForcibly();
    }
    throw new IOException("could not start redis-server (is it on PATH?)");
  }

  private static boolean ping(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] b = new byte[7];
      return in.readNBytes(b, 0, 7) == 7 && new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
