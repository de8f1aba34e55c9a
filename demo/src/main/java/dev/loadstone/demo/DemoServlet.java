package dev.loadstone.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo page ({@code /}), {@code GET /whoami} as JSON, {@code /health} for the proxy's checks, and
 * {@code POST /demo/stop} / {@code /demo/start} ({@code server=<name>}) to stop or start an application.
 */
final class DemoServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final transient Demo demo;

  DemoServlet(String name, Demo demo) {
    this.name = name;
    this.demo = demo;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    switch (req.getRequestURI()) {
      case "/health" -> send(resp, 200, "text/plain;charset=utf-8", "ok\n");
      case "/whoami" -> {
        HttpSession session = req.getSession();
        int visits = countVisit(session);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("server", name);
        body.put("session", shortId(session));
        body.put("visits", visits);
        resp.setHeader("Cache-Control", "no-store");
        send(resp, 200, "application/json", JSON.writeValueAsString(body));
      }
      case "/" -> {
        HttpSession session = req.getSession();
        int visits = countVisit(session);
        resp.setHeader("Cache-Control", "no-store");
        send(resp, 200, "text/html;charset=utf-8", page(shortId(session), visits));
      }
      default -> send(resp, 404, "text/plain;charset=utf-8", "not found\n");
    }
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String target = req.getParameter("server");
    String uri = req.getRequestURI();
    if (!uri.equals("/demo/stop") && !uri.equals("/demo/start")) {
      send(resp, 404, "text/plain;charset=utf-8", "not found\n");
      return;
    }
    String error = uri.equals("/demo/stop") ? demo.requestStop(target) : demo.requestStart(target);
    if (error != null) {
      send(resp, 409, "text/plain;charset=utf-8", error + "\n");
      return;
    }
    resp.setStatus(303);
    resp.setHeader("Location", "/");
    resp.setContentLength(0);
  }

  private static int countVisit(HttpSession session) {
    Object visits = session.getAttribute("visits");
    int next = visits instanceof Number n ? n.intValue() + 1 : 1;
    session.setAttribute("visits", next);
    return next;
  }

  private static String shortId(HttpSession session) {
    String id = session.getId();
    return id.substring(0, Math.min(8, id.length()));
  }

  private String page(String sessionId, int visits) {
    StringBuilder servers = new StringBuilder();
    for (DemoApp app : demo.apps()) {
      boolean running = app.isRunning();
      servers.append("<tr><td>").append(app.name()).append(app.name().equals(name) ? " (answered)" : "")
          .append("</td><td>127.0.0.1:").append(app.port()).append("</td><td class=\"")
          .append(running ? "up\">running" : "down\">stopped").append("</td><td>")
          .append("<form method=\"post\" action=\"/demo/").append(running ? "stop" : "start").append("\">")
          .append("<input type=\"hidden\" name=\"server\" value=\"").append(app.name()).append("\">")
          .append("<button>").append(running ? "Stop" : "Start").append("</button></form></td></tr>\n");
    }
    return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Loadstone demo</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; }
          .big { font-size: 2.2rem; margin: .3rem 0; } td { padding: .3rem .8rem; }
          .up { color: #080; } .down { color: #b00; } code { background: #eee; padding: 0 .3rem; }
        </style></head><body>
        <h1>Loadstone demo</h1>
        <p class="big">Answered by <b id="server">%s</b></p>
        <p class="big">Visits in this session: <b id="visits">%d</b></p>
        <p>Session <code id="session">%s…</code> (%s store) travels with you, so every server knows it.</p>
        <p><a href="/">Reload</a> to see requests move between servers while the counter keeps counting;
           stop a server to see the proxy route around it.</p>
        <table>%s</table>
        <p>Admin API: <a href="%s">%s</a> · JSON: <a href="/whoami">/whoami</a></p>
        </body></html>
        """.formatted(name, visits, sessionId, demo.storeName(), servers, demo.adminUrl(), demo.adminUrl());
  }

  private static void send(HttpServletResponse resp, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    resp.setStatus(status);
    resp.setContentType(type);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }
}
