package dev.loadstone.session.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.io.PrintWriter;

/** The container's stream and writer behind {@link SessionResponse}'s commit hook. */
final class GuardedOutput {
  private GuardedOutput() {}

  /** The container's stream behind the commit hook. */
  static final class Stream extends ServletOutputStream {
    private final ServletOutputStream target; // null: output is dropped (the response was answered 503)
    private final SessionResponse response;

    Stream(ServletOutputStream target, SessionResponse response) {
      this.target = target;
      this.response = response;
    }

    @Override
    public void write(int b) throws IOException {
      if (target != null && response.beforeWrite(1)) {
        target.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (target != null && response.beforeWrite(len)) {
        target.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      response.beforeCommit();
      if (target != null && !response.aborted()) {
        target.flush();
      }
    }

    @Override
    public void close() throws IOException {
      response.beforeCommit();
      if (target != null && !response.aborted()) {
        target.close();
      }
    }

    @Override
    public boolean isReady() {
      return target == null || target.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      if (target != null) {
        target.setWriteListener(listener);
      }
    }
  }

  /** The container's writer behind the commit hook. */
  static final class Writer extends java.io.Writer {
    private final PrintWriter target;
    private final SessionResponse response;
    private final int maxBytesPerChar;

    Writer(PrintWriter target, SessionResponse response, int maxBytesPerChar) {
      this.target = target;
      this.response = response;
      this.maxBytesPerChar = maxBytesPerChar;
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      if (response.beforeWrite((long) len * maxBytesPerChar)) {
        target.write(cbuf, off, len);
      }
    }

    @Override
    public void write(String str, int off, int len) {
      if (response.beforeWrite((long) len * maxBytesPerChar)) {
        target.write(str, off, len);
      }
    }

    @Override
    public void write(int c) {
      if (response.beforeWrite(maxBytesPerChar)) {
        target.write(c);
      }
    }

    @Override
    public void flush() {
      response.beforeCommit();
      if (!response.aborted()) {
        target.flush();
      }
    }

    @Override
    public void close() {
      response.beforeCommit();
      if (!response.aborted()) {
        target.close();
      }
    }
  }
}
