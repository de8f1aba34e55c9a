package dev.loadstone.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The regression corpus under {@code src/test/resources/corpus/}: raw HTTP/1.1 cases, each with the exact bytes
 * a client sends and the exact bytes the origin must receive (or the status the client must get). The format is
 * described in {@code corpus/README.md}; it is plain text so fuzzers and other tools can reuse the cases.
 */
final class Corpus {
  /** One case; byte strings are ISO-8859-1 text of the exact bytes. */
  record Case(String file, String name, String from, Map<String, String> config, String send, int status, boolean close,
      int responses, String origin, String backend, String client, boolean backendCloses) {
    @Override
    public String toString() {
      return file + ": " + name;
    }
  }

  private Corpus() {}

  /** Every case of every {@code *.corpus} file whose name starts with {@code prefix}. */
  static List<Case> load(String prefix) {
    try {
      Path dir = Path.of(Corpus.class.getResource("/corpus").toURI());
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> paths = files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".corpus"))
            .sorted().collect(Collectors.toList());
        List<Case> out = new ArrayList<>();
        for (Path p : paths) {
          out.addAll(parse(p.getFileName().toString(), Files.readAllLines(p, StandardCharsets.UTF_8)));
        }
        return out;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Case> parse(String file, List<String> lines) {
    List<Case> out = new ArrayList<>();
    Builder b = null;
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("=== ")) {
        if (b != null) {
          out.add(b.build());
        }
        b = new Builder(file, line.substring(4).trim());
        continue;
      }
      int colon = line.indexOf(": ");
      if (b == null || colon < 0) {
        throw new IllegalArgumentException(file + ":" + n + ": '" + line + "' (expected: '=== name' or 'key: value')");
      }
      b.add(line.substring(0, colon), line.substring(colon + 2), file + ":" + n);
    }
    if (b != null) {
      out.add(b.build());
    }
    return out;
  }

  private static final class Builder {
    final String file;
    final String name;
    String from = "";
    final Map<String, String> config = new LinkedHashMap<>();
    final StringBuilder send = new StringBuilder();
    StringBuilder origin;
    StringBuilder backend;
    StringBuilder client;
    int status = -1;
    boolean close;
    boolean backendCloses;
    int responses = 1;

    Builder(String file, String name) {
      this.file = file;
      this.name = name;
    }

    void add(String key, String value, String where) {
      switch (key) {
        case "from":
          from = value;
          break;
        case "config": {
          int eq = value.indexOf('=');
          config.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
          break;
        }
        case "send":
          send.append(bytes(value));
          break;
        case "origin":
          origin = (origin == null ? new StringBuilder() : origin).append(bytes(value));
          break;
        case "backend":
          backend = (backend == null ? new StringBuilder() : backend).append(bytes(value));
          break;
        case "responses":
          responses = Integer.parseInt(value.trim());
          break;
        case "backend-closes":
          backendCloses = Boolean.parseBoolean(value.trim());
          break;
        case "client":
          client = (client == null ? new StringBuilder() : client).append(bytes(value));
          break;
        case "expect": {
          String[] p = value.trim().split(" ");
          status = Integer.parseInt(p[0]);
          close = p.length > 1 && p[1].equals("close");
          break;
        }
        default:
          throw new IllegalArgumentException(where + ": unknown key '" + key + "'");
      }
    }

    Case build() {
      if (status < 0 && client == null) {
        throw new IllegalArgumentException(file + ": case '" + name + "' has no 'expect:' or 'client:'");
      }
      String req = send.length() == 0 ? "GET / HTTP/1.1\r\nHost: corpus.test\r\n\r\n" : send.toString();
      return new Case(file, name, from, Map.copyOf(config), req, status, close, responses, origin == null ? "" : origin.toString(),
          backend == null ? null : backend.toString(), client == null ? null : client.toString(), backendCloses);
    }
  }

  /**
   * Decodes {@code \r \n \t \0 \\ \xHH} and the macros {@code ${fwd}} / {@code ${fwd:HOST}} (the forwarding headers
   * the proxy adds for a client on 127.0.0.1 and that Host) and {@code ${repeat:N:TEXT}}.
   */
  static String bytes(String v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '$' && v.startsWith("${", i)) {
        int end = i + 2;
        for (int depth = 1; depth > 0; end++) {
          depth += v.startsWith("${", end) ? 1 : v.charAt(end) == '}' ? -1 : 0;
        }
        sb.append(macro(v.substring(i + 2, end - 1)));
        i = end - 1;
      } else if (c == '\\' && i + 1 < v.length()) {
        char e = v.charAt(++i);
        switch (e) {
          case 'r' -> sb.append('\r');
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case '0' -> sb.append('\0');
          case '\\' -> sb.append('\\');
          case 'x' -> {
            sb.append((char) Integer.parseInt(v.substring(i + 1, i + 3), 16));
            i += 2;
          }
          default -> throw new IllegalArgumentException("unknown escape \\" + e + " in '" + v + "'");
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** RFC 9110 tchar, written out here so the test oracle does not lean on the code under test. */
  private static boolean isTchar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String macro(String m) {
    if (m.equals("origin")) {
      return "${origin}"; // the origin's address, known only when the test runs
    }
    if (m.equals("fwd") || m.startsWith("fwd:")) {
      String host = m.equals("fwd") ? "corpus.test" : m.substring(4);
      return "x-forwarded-for: 127.0.0.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: " + host + "\r\n"
          + "forwarded: for=127.0.0.1;proto=http;host=" + (host.chars().allMatch(Corpus::isTchar) ? host : "\"" + host + "\"") + "\r\n";
    }
    if (m.startsWith("repeat:")) {
      String[] p = m.split(":", 3);
      return bytes(p[2]).repeat(Integer.parseInt(p[1]));
    }
    throw new IllegalArgumentException("unknown macro ${" + m + "}");
  }
}
