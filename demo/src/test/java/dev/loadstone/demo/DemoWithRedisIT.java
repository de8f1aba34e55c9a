package dev.loadstone.demo;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The same demo checks with sessions in a real redis-server (--redis), started and stopped here. */
class DemoWithRedisIT extends DemoIT {
  private Process redis;

  @Override
  protected List<String> extraArgs() throws Exception {
    int port = freePorts(1).get(0);
    Path dir = Files.createDirectories(Path.of("target", "redis-" + port)).toAbsolutePath();
    redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    awaitPong(port);
    return List.of("--redis", "redis://127.0.0.1:" + port);
  }

  @Override
  protected String expectedStore() {
    return "redis";
  }

  @AfterEach
  void stopRedis() throws InterruptedException {
    if (redis != null) {
      redis.destroy();
      if (!redis.waitFor(10, TimeUnit.SECONDS)) {
        redis.destroyForcibly();
      }
    }
  }

  private static void awaitPong(int port) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> pong(port));
  }

  private static boolean pong(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false; // not listening yet
    }
  }
}
