package dev.loadstone.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many slow or greedy client connections at once on loopback, on two threads: a selector reads what the proxy
 * sends each (keeping the status line) and notes when the proxy closed it, and a pacer writes each kind's
 * bytes every 100 ms. Slow readers are never read (nor watched: their end shows as the proxy's connection
 * count). Every loop is bounded: the pacer stops at each kind's total and {@link #close} ends both threads.
 */
final class BadClients implements AutoCloseable {
  static final long BLANK_LINES_TOTAL = 100L << 20; // 100 MiB of CRLF, or what the proxy takes before it closes
  private static final int TICK_MILLIS = 100;

  enum Kind {
    /** A request head dribbled: one more header line every 500 ms, never the blank line that ends it. */
    SLOWLORIS,
    /** A GET of a big download whose response is never read (a 4 KiB receive buffer). */
    SLOW_READER,
    /** CRLF pairs, 1 MiB every tick, up to {@link #BLANK_LINES_TOTAL}. */
    BLANK_LINES,
    /** One request head with 10,000 tiny header lines, at once. */
    TINY_HEADERS,
    /** A POST of 1,000 bytes sent at one byte a second. */
    ONE_BYTE_PER_SECOND
  }

  /** One connection: when its first byte went out, when it ended (0: not yet), the first bytes it received. */
  static final class Conn {
    final Kind kind;
    final SocketChannel ch;
    final long started = System.nanoTime();
    private final AtomicLong ended = new AtomicLong();
    private long answered; // when its first response byte came, guarded by this
    private final StringBuilder received = new StringBuilder();
    private long sent;
    private int ticks;

    private Conn(Kind kind, SocketChannel ch) {
      this.kind = kind;
      this.ch = ch;
    }

    /** Milliseconds from its first byte to its end, or -1 while it is open. */
    long lifetimeMillis() {
      long e = ended.get();
      return e == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(e - started);
    }

    /** Milliseconds from its first byte to the first byte of the proxy's answer, or -1 for none. */
    synchronized long answeredMillis() {
      return answered == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(answered - started);
    }

    /** The status code of the response it got, or 0 for none. */
    synchronized int status() {
      return received.length() >= 12 && received.substring(0, 5).equals("HTTP/") ? Integer.parseInt(received.substring(9, 12)) : 0;
    }

    synchronized long sent() {
      return sent;
    }
  }

  private final InetSocketAddress proxy;
  private final List<Conn> conns = new ArrayList<>();
  private final Selector selector;
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bad-clients-pacer"));
  private final Thread reader = new Thread(this::readLoop, "bad-clients-reader");
  private volatile boolean closed;

  BadClients(InetSocketAddress proxy) throws IOException {
    this.proxy = proxy;
    this.selector = Selector.open();
  }

  /** Connects {@code n} clients of this kind and sends each its first bytes (before {@link #start}). */
  List<Conn> open(Kind kind, int n) throws IOException {
    List<Conn> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SocketChannel ch = SocketChannel.open();
      if (kind == Kind.SLOW_READER) {
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      }
      ch.connect(proxy);
      Conn c = new Conn(kind, ch);
      conns.add(c);
      out.add(c);
      try {
        write(c, first(kind, i));
      } catch (IOException closedByTheProxy) { // e.g. the 431 and close before all 10,000 headers went out
        end(c);
        continue;
      }
      ch.configureBlocking(false);
      if (kind != Kind.SLOW_READER) {
        ch.register(selector, SelectionKey.OP_READ, c);
      }
    }
    return out;
  }

  private static String first(Kind kind, int i) {
    return switch (kind) {
      case SLOWLORIS -> "GET /slowloris/" + i + " HTTP/1.1\r\nHost: x\r\n";
      case SLOW_READER -> "GET /download?bytes=" + (16 << 20) + " HTTP/1.1\r\nHost: x\r\n\r\n";
      case BLANK_LINES -> "\r\n";
      case TINY_HEADERS -> "GET /tiny HTTP/1.1\r\nHost: x\r\n" + "a: b\r\n".repeat(10_000) + "\r\n";
      case ONE_BYTE_PER_SECOND -> "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n";
    };
  }

  /** Starts reading and pacing. */
  void start() {
    reader.setDaemon(true);
    reader.start();
    pacer.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    for (Conn c : conns) {
      if (c.ended.get() != 0) {
        continue;
      }
      int t = ++c.ticks;
      try {
        switch (c.kind) {
          case SLOWLORIS -> {
            if (t % 5 == 0 && t < 600) {
              write(c, "X-Slow-" + t + ": v\r\n");
            }
          }
          case BLANK_LINES -> {
            if (c.sent() < BLANK_LINES_TOTAL) {
              write(c, "\r\n".repeat(1 << 19));
            }
          }
          case ONE_BYTE_PER_SECOND -> {
            if (t % 10 == 0 && c.sent() < 1_000) {
              write(c, "x");
            }
          }
          default -> { }
        }
      } catch (IOException closedByTheProxy) {
        end(c);
      }
    }
  }

  /** Writes what the socket takes now (all of it while blocking; a non-blocking write may take less). */
  private static void write(Conn c, String s) throws IOException {
    int n = c.ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
    synchronized (c) {
      c.sent += n;
    }
  }

  private static void end(Conn c) {
    c.ended.compareAndSet(0, System.nanoTime());
  }

  private void readLoop() {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    while (!closed) {
      try {
        selector.select(TICK_MILLIS);
        for (SelectionKey k : selector.selectedKeys()) {
          Conn c = (Conn) k.attachment();
          buf.clear();
          int n;
          try {
            n = c.ch.read(buf);
          } catch (IOException reset) {
            n = -1;
          }
          if (n < 0) {
            end(c);
            k.cancel();
            continue;
          }
          synchronized (c) {
            if (c.answered == 0 && n > 0) {
              c.answered = System.nanoTime();
            }
            for (int i = 0; i < n && c.received.length() < 64; i++) {
              c.received.append((char) (buf.get(i) & 0xff));
            }
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException | java.nio.channels.ClosedSelectorException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    pacer.shutdownNow();
    try {
      pacer.awaitTermination(5, TimeUnit.SECONDS);
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Conn c : conns) {
      c.ch.close();
    }
    selector.close();
  }
}
