package dev.loadstone.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A misbehaving origin on loopback: reads a request head, then answers with fixed bytes (or none) and closes. */
final class ScriptedOrigin implements AutoCloseable {
  final AtomicInteger heads = new AtomicInteger();
  private final ServerSocket server;
  private final Thread thread;

  /** {@code reply} null: close without answering. */
  ScriptedOrigin(String reply) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          int state = 0;
          for (int b = in.read(); b >= 0; b = in.read()) {
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
              break;
            }
          }
          heads.incrementAndGet();
          if (reply != null) {
            s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
          }
        } catch (IOException e) {
          // closed
        }
      }
    }, "scripted-origin");
    thread.setDaemon(true);
    thread.start();
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
