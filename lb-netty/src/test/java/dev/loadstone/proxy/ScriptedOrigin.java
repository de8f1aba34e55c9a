package dev.loadstone.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving origin on loopback: reads a request head, then answers with fixed bytes (or none) and closes; in
 * keep-open mode it answers every head on the connection with the same bytes and never closes first.
 */
final class ScriptedOrigin implements AutoCloseable {
  final AtomicInteger heads = new AtomicInteger();
  private final ServerSocket server;
  private final String reply;
  private final boolean keepOpen;

  /** {@code reply} null: close without answering. */
  ScriptedOrigin(String reply) throws IOException {
    this(reply, false);
  }

  ScriptedOrigin(String reply, boolean keepOpen) throws IOException {
    this.reply = reply;
    this.keepOpen = keepOpen;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(this::acceptLoop, "scripted-origin");
    thread.setDaemon(true);
    thread.start();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "scripted-origin-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (Socket s = socket) {
      InputStream in = s.getInputStream();
      do {
        if (!readHead(in)) {
          return;
        }
        heads.incrementAndGet();
        if (reply != null) {
          s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
        }
      } while (keepOpen);
    } catch (IOException e) {
      // closed
    }
  }

  /** Reads up to the end of a head; false at EOF. */
  private static boolean readHead(InputStream in) throws IOException {
    int state = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return true;
      }
    }
    return false;
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
