package dev.loadstone.session.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;

/**
 * The response the application sees. It runs the session's commit hook just before anything that commits
 * the response: {@code flushBuffer}, a flush or close of the stream or writer, a write that would fill the
 * buffer or reach the declared Content-Length, every {@code sendRedirect} form (Servlet 6.1 added three, with a
 * status code and a clear-buffer flag; on a Servlet 6.0 container they are carried out here) and {@code
 * sendError}. Writer output is
 * counted at the charset's maximum bytes per char, so the hook runs early rather than late.
 */
final class SessionResponse extends HttpServletResponseWrapper {
  private final RequestSessions sessions;
  private long written;
  private long contentLength = -1;
  private ServletOutputStream stream;
  private PrintWriter writer;

  SessionResponse(HttpServletResponse response, RequestSessions sessions) {
    super(response);
    this.sessions = sessions;
    sessions.responseWrapper(this);
  }

  /** Runs the hook if {@code bytes} more would commit the response; false when output must be dropped. */
  boolean beforeWrite(long bytes) {
    if (sessions.aborted()) {
      return false;
    }
    if (!sessions.savedBeforeCommit()) {
      long total = written + bytes;
      if (total >= getBufferSize() || (contentLength >= 0 && total >= contentLength)) {
        sessions.beforeCommit();
        if (sessions.aborted()) {
          return false;
        }
      }
    }
    written += bytes;
    return true;
  }

  void beforeCommit() {
    sessions.beforeCommit();
  }

  boolean aborted() {
    return sessions.aborted();
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      stream = sessions.aborted() ? new GuardedOutput.Stream(null, this) : new GuardedOutput.Stream(
          super.getOutputStream(), this);
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      if (sessions.aborted()) {
        writer = new PrintWriter(Writer.nullWriter());
      } else {
        PrintWriter target = super.getWriter();
        writer = new PrintWriter(new GuardedOutput.Writer(target, this, maxBytesPerChar(getCharacterEncoding())), false);
      }
    }
    return writer;
  }

  private static int maxBytesPerChar(String encoding) {
    try {
      return (int) Math.ceil(Charset.forName(encoding).newEncoder().maxBytesPerChar());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException | UnsupportedOperationException
        | NullPointerException e) {
      return 4;
    }
  }

  @Override
  public void flushBuffer() throws IOException {
    sessions.beforeCommit();
    if (!sessions.aborted()) {
      super.flushBuffer();
    }
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    sessions.beforeCommit();
    if (!sessions.aborted()) {
      super.sendError(sc, msg);
    }
  }

  @Override
  public void sendError(int sc) throws IOException {
    sessions.beforeCommit();
    if (!sessions.aborted()) {
      super.sendError(sc);
    }
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    sessions.beforeCommit();
    if (!sessions.aborted()) {
      super.sendRedirect(location);
    }
  }

  @Override
  public void sendRedirect(String location, int sc) throws IOException {
    sendRedirect(location, sc, true);
  }

  @Override
  public void sendRedirect(String location, boolean clearBuffer) throws IOException {
    sendRedirect(location, SC_FOUND, clearBuffer);
  }

  @Override
  public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
    sessions.beforeCommit();
    if (sessions.aborted()) {
      return;
    }
    try {
      super.sendRedirect(location, sc, clearBuffer);
    } catch (AbstractMethodError servlet60Container) {
      // The container implements Servlet 6.0, without this method: do what it specifies.
      if (isCommitted()) {
        throw new IllegalStateException("sendRedirect: the response has already been committed");
      }
      if (clearBuffer) {
        resetBuffer();
      }
      setStatus(sc);
      setHeader("Location", encodeRedirectURL(location));
      flushBuffer();
    }
  }

  @Override
  public void setContentLength(int len) {
    super.setContentLength(len);
    contentLength = len;
  }

  @Override
  public void setContentLengthLong(long len) {
    super.setContentLengthLong(len);
    contentLength = len;
  }

  @Override
  public void setHeader(String name, String value) {
    super.setHeader(name, value);
    trackContentLength(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    super.addHeader(name, value);
    trackContentLength(name, value);
  }

  @Override
  public void setIntHeader(String name, int value) {
    super.setIntHeader(name, value);
    trackContentLength(name, Integer.toString(value));
  }

  private void trackContentLength(String name, String value) {
    if ("Content-Length".equalsIgnoreCase(name)) {
      try {
        contentLength = value == null ? -1 : Long.parseLong(value.strip());
      } catch (NumberFormatException e) {
        contentLength = -1;
      }
    }
  }

  @Override
  public void reset() {
    super.reset();
    written = 0;
    contentLength = -1;
  }

  @Override
  public void resetBuffer() {
    super.resetBuffer();
    written = 0;
  }
}
