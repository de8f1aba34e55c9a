package dev.loadstone.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadstone.health.HealthChecker;
import dev.loadstone.lb.PoolSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's routing, independent of the transport: the status page ({@code /}), {@code /metrics},
 * {@code /healthz} and {@code /readyz} (probes), {@code /api/status} (what the status page shows) and the
 * backends ({@link BackendsApi}). Every bad input gives a JSON {@code {"error": "...", "field": "..."}} with 400
 * (bad value), 404 (unknown backend or path), 405, 409 (id or address already in the pool), 401 (missing
 * token), 403 (another origin or host) or 415 (not JSON), and leaves the pool unchanged. Who may call what is
 * {@link AdminGuard}'s.
 */
final class AdminApi {
  private static final String JSON_TYPE = "application/json; charset=utf-8";
  private static final String TEXT_TYPE = "text/plain; charset=utf-8";
  private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  static final class Response {
    final HttpResponseStatus status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();

    Response(HttpResponseStatus status, String contentType, byte[] body) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }

    Response header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }

  /** A client error: status, the offending field and a message naming the value and what was expected. */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final HttpResponseStatus status;
    final String field;
    final String headerName; // a header the error response carries (Allow of a 405, WWW-Authenticate of a 401), or null
    final String headerValue;

    BadInput(HttpResponseStatus status, String field, String message) {
      this(status, field, message, null, null);
    }

    BadInput(HttpResponseStatus status, String field, String message, String headerName, String headerValue) {
      super(message, null, false, false);
      this.status = status;
      this.field = field;
      this.headerName = headerName;
      this.headerValue = headerValue;
    }
  }

  private final PoolAdmin admin;
  private final ProxyMetrics metrics;
  private final AdminGuard guard;
  private final ServerStatus server;
  private final BackendView view;
  private final BackendsApi backends;

  AdminApi(PoolAdmin admin, ProxyMetrics metrics, HealthChecker checker, AdminGuard guard, ServerStatus server) {
    this.admin = admin;
    this.metrics = metrics;
    this.guard = guard;
    this.server = server;
    this.view = new BackendView(admin, metrics, checker, server);
    this.backends = new BackendsApi(admin, view);
  }

  boolean hasToken() {
    return guard.hasToken();
  }

  Response handle(HttpMethod method, String uri, HttpHeaders headers, ByteBuf body) {
    try {
      QueryStringDecoder q = new QueryStringDecoder(uri);
      String path = q.path();
      guard.request(headers, path.equals("/healthz") || path.equals("/readyz"));
      if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
        guard.mutation(headers); // before routing: a refused call learns nothing about ids or paths
      }
      return route(method, path, q, body);
    } catch (BadInput e) {
      Response r = error(e.status, e.field, e.getMessage());
      if (e.headerName != null) {
        r.header(e.headerName, e.headerValue); // RFC 9110: a 405 lists the allowed methods, a 401 its challenge
      }
      return r;
    }
  }

  private Response route(HttpMethod method, String path, QueryStringDecoder q, ByteBuf body) {
    List<String> seg = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        seg.add(QueryStringDecoder.decodeComponent(s));
      }
    }
    PoolSnapshot snapshot = admin.pool().snapshot();
    if (seg.isEmpty()) {
      allow(method, "GET");
      return StatusPage.response(snapshot, metrics, server);
    }
    if (seg.size() == 1) {
      switch (seg.get(0)) {
        case "metrics":
          allow(method, "GET");
          return new Response(HttpResponseStatus.OK, PROMETHEUS_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
        case "favicon.ico": // browsers ask for it; there is none
          allow(method, "GET");
          return new Response(HttpResponseStatus.NO_CONTENT, TEXT_TYPE, new byte[0]);
        case "healthz": // liveness: the process answers
          allow(method, "GET");
          return text(HttpResponseStatus.OK, "ok\n");
        case "readyz": // readiness: listening, not shutting down, and some backend takes requests
          allow(method, "GET");
          if (!server.serving()) {
            return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: not listening (starting or shutting down)\n");
          }
          return snapshot.available().isEmpty()
              ? text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: no backend available (0 of " + snapshot.all().size() + ")\n")
              : text(HttpResponseStatus.OK, "ready: " + snapshot.available().size() + " of " + snapshot.all().size() + " backends available\n");
        default:
          break;
      }
    }
    if (seg.size() == 2 && seg.get(0).equals("api") && seg.get(1).equals("status")) {
      allow(method, "GET");
      List<String> h = q.parameters().get("history");
      int seconds = h == null ? BackendHistory.SECONDS : history(h.get(0));
      return json(HttpResponseStatus.OK, view.status(snapshot, seconds));
    }
    if (seg.size() == 2 && seg.get(0).equals("api") && seg.get(1).equals("scaling")) {
      allow(method, "GET");
      java.util.function.Supplier<ObjectNode> scaling = server.scaling();
      if (scaling == null) {
        throw new BadInput(HttpResponseStatus.NOT_FOUND, "path", "path: '" + path + "' (the scaling advisor is off: configure scaling: in the YAML)");
      }
      return json(HttpResponseStatus.OK, scaling.get());
    }
    if (seg.size() < 2 || !seg.get(0).equals("api") || !seg.get(1).equals("backends") || seg.size() > 4) {
      throw new BadInput(HttpResponseStatus.NOT_FOUND, "path",
          "path: '" + path + "' (expected: /, /metrics, /healthz, /readyz, /api/status, /api/scaling or /api/backends...)");
    }
    return backends.route(method, path, seg.subList(2, seg.size()), body);
  }

  private static int history(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 0 && n <= BackendHistory.SECONDS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new BadInput(HttpResponseStatus.BAD_REQUEST, "history",
        "history: '" + text + "' (expected: seconds 0.." + BackendHistory.SECONDS + ")");
  }

  static void allow(HttpMethod method, String... methods) {
    for (String m : methods) {
      if (method.name().equals(m)) {
        return;
      }
    }
    throw new BadInput(HttpResponseStatus.METHOD_NOT_ALLOWED, "method",
        "method: " + method + " (expected: " + String.join(" or ", methods) + ")",
        HttpHeaderNames.ALLOW.toString(), String.join(", ", methods));
  }

  private static Response text(HttpResponseStatus status, String body) {
    return new Response(status, TEXT_TYPE, body.getBytes(StandardCharsets.UTF_8));
  }

  static Response json(HttpResponseStatus status, JsonNode node) {
    try {
      return new Response(status, JSON_TYPE, (AdminJson.JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }

  static Response error(HttpResponseStatus status, String field, String message) {
    ObjectNode n = AdminJson.JSON.createObjectNode();
    n.put("error", message);
    n.put("field", field);
    return json(status, n);
  }
}
