package dev.loadstone.proxy.accesslog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An access log file opened for append (O_APPEND: whole batches land at the end even when another process
 * writes too). After logrotate renames it, the old name keeps receiving lines until {@link #reopen()} (SIGUSR1)
 * creates the file under its name again, as nginx's {@code USR1} does.
 */
final class FileSink implements AccessLogSink {
  private final Path file;
  private FileChannel ch;

  FileSink(Path file) throws IOException {
    this.file = file;
    this.ch = open(file);
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public void write(CharSequence lines) throws IOException {
    ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(lines));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  @Override
  public void reopen() throws IOException {
    FileChannel next = open(file); // the old channel stays in use if the name cannot be opened
    FileChannel old = ch;
    ch = next;
    old.close();
    org.slf4j.LoggerFactory.getLogger(AccessLog.class).info("access log {} reopened", file);
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
