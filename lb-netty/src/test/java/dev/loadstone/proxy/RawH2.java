package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * An HTTP/2 client that writes frames byte by byte on a plain socket (header blocks HPACK-encoded by Netty's
 * encoder), for the attacks a well-behaved client library refuses to send, and reads the server's frames raw.
 */
final class RawH2 implements AutoCloseable {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final long ENHANCE_YOUR_CALM = 0xb;
  static final long PROTOCOL_ERROR = 0x1;
  static final long REFUSED_STREAM = 0x7;

  /** A frame as read. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    long errorCode() { // RST_STREAM: the first 4 bytes; GOAWAY: after the last stream id
      ByteBuffer b = ByteBuffer.wrap(payload);
      return Integer.toUnsignedLong(type == GOAWAY ? b.getInt(4) : b.getInt(0));
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();

  /** Connects and sends the client preface and an empty SETTINGS frame. */
  RawH2(InetSocketAddress proxy) throws IOException {
    socket = new Socket(proxy.getAddress(), proxy.getPort());
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    ByteBuf p = Http2CodecUtil.connectionPrefaceBuf();
    byte[] preface = new byte[p.readableBytes()];
    p.getBytes(p.readerIndex(), preface);
    out.write(preface);
    frame(SETTINGS, 0, 0, new byte[0]);
  }

  /** A plain socket that has sent nothing yet. */
  RawH2(Socket socket) throws IOException {
    this.socket = socket;
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  static Http2Headers get(String path) {
    return new DefaultHttp2Headers(false).method("GET").scheme("http").authority("proxy.test").path(path);
  }

  byte[] block(Http2Headers h) throws Exception {
    ByteBuf b = Unpooled.buffer();
    try {
      hpack.encodeHeaders(1, h, b);
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      return a;
    } finally {
      b.release();
    }
  }

  void headers(int stream, Http2Headers h, boolean endStream) throws Exception {
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(h));
  }

  void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] f = frameBytes(type, flags, stream, payload);
    out.write(f);
  }

  static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
    b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
    b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
    return b.array();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  void rst(int stream, long code) throws IOException {
    frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt((int) code).array());
  }

  /** The next frame, or null at end of stream (the server closed). */
  Frame read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    byte[] h = new byte[9];
    try {
      in.readFully(h);
    } catch (EOFException e) {
      return null;
    } catch (java.net.SocketException e) {
      return null; // reset by the server
    }
    int len = ((h[0] & 0xff) << 16) | ((h[1] & 0xff) << 8) | (h[2] & 0xff);
    byte[] payload = new byte[len];
    in.readFully(payload);
    return new Frame(h[3] & 0xff, h[4] & 0xff, ByteBuffer.wrap(h, 5, 4).getInt() & 0x7fffffff, payload);
  }

  /** Reads until a frame of {@code type} (on {@code stream}, or any stream if negative); null if the server closed first. */
  Frame await(int type, int stream, Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    for (;;) {
      long left = Math.max(1, (end - System.nanoTime()) / 1_000_000);
      if (System.nanoTime() > end) {
        throw new SocketTimeoutException("no frame of type " + type + " within " + timeout);
      }
      Frame f = read(Duration.ofMillis(left));
      if (f == null || (f.type == type && (stream < 0 || f.stream == stream))) {
        return f;
      }
    }
  }

  /** Whether the server closed the connection within {@code timeout} (reading and dropping what it sent). */
  boolean closedWithin(Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      try {
        if (read(Duration.ofMillis(Math.max(1, (end - System.nanoTime()) / 1_000_000))) == null) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
