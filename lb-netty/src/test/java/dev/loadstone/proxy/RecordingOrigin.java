package dev.loadstone.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An origin on loopback that records the exact bytes of every request it receives, so a test sees what the
 * proxy really sent (a smuggled request shows up as an extra message, a desync as garbage). It frames what it
 * reads the way a strict server would (Content-Length, or chunked with trailers) and answers each request with
 * {@code 200} and the body {@code ok}; what it cannot frame it records as {@code UNPARSEABLE: ...} and closes.
 */
final class RecordingOrigin implements AutoCloseable {
  private final ServerSocket server;
  private final List<String> messages = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  RecordingOrigin() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "recording-origin");
    t.setDaemon(true);
    t.start();
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Every request received so far, in order, as ISO-8859-1 text of its exact bytes. */
  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  synchronized void clear() {
    messages.clear();
  }

  private synchronized void record(String m) {
    messages.add(m);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        synchronized (this) {
          sockets.add(s);
        }
        Thread t = new Thread(() -> serve(s), "recording-origin-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String head = readHead(in, raw);
        if (head == null) {
          return;
        }
        String problem = readBody(head, in, raw);
        String text = raw.toString(StandardCharsets.ISO_8859_1);
        record(problem == null ? text : "UNPARSEABLE: " + problem + ": " + text);
        if (problem != null) {
          return;
        }
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the proxy closed the connection
    }
  }

  /** The head up to and including CRLFCRLF, or null at EOF before any byte. */
  private static String readHead(InputStream in, ByteArrayOutputStream raw) throws IOException {
    int state = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      raw.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return raw.toString(StandardCharsets.ISO_8859_1);
      }
    }
    if (raw.size() > 0) {
      throw new IOException("EOF inside a head");
    }
    return null;
  }

  private static String readBody(String head, InputStream in, ByteArrayOutputStream raw) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    boolean chunked = lower.contains("\r\ntransfer-encoding: chunked\r\n");
    int cl = lower.indexOf("\r\ncontent-length: ");
    if (chunked && cl >= 0) {
      return "both Content-Length and Transfer-Encoding";
    }
    if (cl >= 0) {
      int end = lower.indexOf("\r\n", cl + 2);
      long n = Long.parseLong(lower.substring(cl + 18, end).trim());
      for (long i = 0; i < n; i++) {
        int b = in.read();
        if (b < 0) {
          return "EOF in the body";
        }
        raw.write(b);
      }
      return null;
    }
    if (!chunked) {
      return lower.contains("\r\ntransfer-encoding:") ? "a Transfer-Encoding other than chunked" : null;
    }
    while (true) {
      String sizeLine = line(in, raw);
      long size = Long.parseLong(sizeLine.split(";")[0], 16);
      if (size == 0) {
        while (!line(in, raw).isEmpty()) {
          // trailer fields
        }
        return null;
      }
      for (long i = 0; i < size; i++) {
        raw.write(in.read());
      }
      if (!line(in, raw).isEmpty()) {
        return "chunk data not followed by CRLF";
      }
    }
  }

  private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); b >= 0; b = in.read()) {
      raw.write(b);
      if (b == '\n') {
        return sb.toString();
      }
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    throw new IOException("EOF inside a line");
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (this) {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
