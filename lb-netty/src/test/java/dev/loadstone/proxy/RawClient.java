package dev.loadstone.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw-socket HTTP/1.1 client: sends exact bytes, parses responses (Content-Length, chunked or close). */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A parsed response; header names lower-cased, repeated headers joined with ", ". */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public RawClient(InetSocketAddress proxy) throws IOException {
    socket = new Socket();
    socket.connect(proxy, 2000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Over a socket that is already connected (a TLS socket, say). */
  public RawClient(Socket connected) throws IOException {
    socket = connected;
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** The client's own port (what the proxy sees as the client port). */
  public int localPort() {
    return socket.getLocalPort();
  }

  public RawClient send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  public RawClient send(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
    return this;
  }

  public Response read() throws IOException {
    return read(false);
  }

  /** Reads one response; {@code head} means the request was HEAD (no body whatever the headers say). */
  public Response read(boolean head) throws IOException {
    String statusLine = line();
    while (statusLine.isEmpty()) {
      statusLine = line();
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = l.substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    if (status / 100 == 1) {
      return new Response(status, headers, "");
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (head || status == 204 || status == 304) {
      // no body
    } else if (headers.containsKey("content-length")) {
      long n = Long.parseLong(headers.get("content-length"));
      for (long i = 0; i < n; i++) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed after " + i + " of " + n + " body bytes");
        }
        body.write(b);
      }
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      while (true) {
        int size = Integer.parseInt(line().split(";")[0].trim(), 16);
        if (size == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          break;
        }
        for (int i = 0; i < size; i++) {
          body.write(in.read());
        }
        line();
      }
    } else {
      for (int b = in.read(); b >= 0; b = in.read()) {
        body.write(b);
      }
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  /** Exactly {@code n} bytes, as ISO-8859-1 text (what arrived before an EOF, if the server closed early). */
  public String readExactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** True when the server closed the connection (reads EOF within the socket timeout). */
  boolean isClosedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed while reading a line: '" + sb + "'");
      }
      if (b == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      sb.append((char) b);
    }
  }

  public void setTimeoutMillis(int ms) throws IOException {
    socket.setSoTimeout(ms);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
