package dev.loadstone.proxy.accesslog;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Where formatted lines go; called only by the access log's one writer thread. */
public interface AccessLogSink extends AutoCloseable {
  /** Writes a batch of whole lines (each ending in a line break) and flushes it. */
  void write(CharSequence lines) throws IOException;

  /** Opens the destination again (a file renamed by logrotate is let go and its name created anew). */
  default void reopen() throws IOException {}

  @Override
  default void close() throws IOException {}

  /** The process's standard output (what container platforms collect). */
  static AccessLogSink stdout() {
    return stream(System.out);
  }

  static AccessLogSink stream(PrintStream out) {
    return new AccessLogSink() {
      @Override
      public void write(CharSequence lines) {
        byte[] b = lines.toString().getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        out.flush();
      }

      @Override
      public String toString() {
        return out == System.out ? "stdout" : out.toString();
      }
    };
  }

  /** A file, appended to and created if missing; {@link #reopen()} opens the name again. */
  static AccessLogSink file(Path file) throws IOException {
    return new FileSink(file);
  }
}
