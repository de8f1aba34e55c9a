package dev.loadstone.proxy.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * One JSON object per line with every {@link Field} except the derived text ones ({@code client}, {@code
 * time}, {@code flags}): {@code time_iso} is the start time, absent values are null, times are numbers of
 * milliseconds. Written with Jackson's streaming generator (it escapes what needs escaping).
 */
final class JsonFormat implements AccessLogFormat {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();
  private static final Field[] FIELDS = {Field.TIME_ISO, Field.CLIENT_IP, Field.CLIENT_PORT, Field.METHOD, Field.TARGET,
      Field.PROTOCOL, Field.STATUS, Field.BACKEND, Field.ATTEMPTS, Field.BYTES_IN, Field.BYTES_OUT, Field.DURATION_MS,
      Field.TTFB_MS, Field.STICKY, Field.RETRIED, Field.REQUEST_ID};

  @Override
  public void append(AccessRecord r, StringBuilder line) {
    try (JsonGenerator g = FACTORY.createGenerator(new Appender(line))) {
      g.writeStartObject();
      for (Field f : FIELDS) {
        f.writeJson(r, g);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a StringBuilder does not fail", e);
    }
  }

  /** A Writer over the batch's StringBuilder. */
  private static final class Appender extends Writer {
    private final StringBuilder sb;

    Appender(StringBuilder sb) {
      this.sb = sb;
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      sb.append(cbuf, off, len);
    }

    @Override
    public void write(String str, int off, int len) {
      sb.append(str, off, off + len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
