package dev.loadstone.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin that misbehaves in one scripted way per request, on loopback: it reads each request head (and a
 * Content-Length body), then runs {@link Script#answer} on the raw socket. Between requests on a kept-alive
 * connection it waits at most {@code idleMillis} for the next head, then closes behind the proxy's back (as a
 * backend's own keep-alive timeout does), counted in {@link #idleCloses}.
 */
final class FaultyOrigin implements AutoCloseable {
  /** What to do with one request: write bytes, close, reset; return false to close the connection after it. */
  interface Script {
    boolean answer(Socket s, OutputStream out, int request) throws IOException;
  }

  final AtomicInteger heads = new AtomicInteger();
  final AtomicInteger idleCloses = new AtomicInteger();
  private final ServerSocket server;
  private final Script script;
  private final int idleMillis;

  FaultyOrigin(Script script, int idleMillis) throws IOException {
    this.script = script;
    this.idleMillis = idleMillis;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "faulty-origin");
    t.setDaemon(true);
    t.start();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "faulty-origin-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (Socket s = socket) {
      InputStream in = s.getInputStream();
      for (boolean first = true; ; first = false) {
        s.setSoTimeout(first ? 10_000 : idleMillis);
        long body;
        try {
          body = readHead(in);
        } catch (SocketTimeoutException idle) {
          idleCloses.incrementAndGet();
          return;
        }
        if (body < 0) {
          return;
        }
        in.readNBytes((int) body);
        if (!script.answer(s, s.getOutputStream(), heads.incrementAndGet())) {
          return;
        }
      }
    } catch (IOException closed) {
      // the proxy went away, or the script reset the connection
    }
  }

  /** Reads a head; returns its Content-Length (0 if none), or -1 at EOF. */
  private static long readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int state = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      head.append((char) b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        for (String line : head.toString().split("\r\n")) {
          if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
            return Long.parseLong(line.substring(15).trim());
          }
        }
        return 0;
      }
    }
    return -1;
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
