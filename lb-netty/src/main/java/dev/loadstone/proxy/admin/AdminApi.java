package dev.loadstone.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadstone.health.CheckResult;
import dev.loadstone.health.HealthChecker;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendState;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API's routing and validation, independent of the transport. Every bad input gives a JSON
 * {@code {"error": "...", "field": "..."}} with 400 (bad value), 404 (unknown backend or path), 405, 409
 * (id or address already in the pool), 401 (missing token), 403 (another origin or host) or 415 (not JSON),
 * and leaves the pool unchanged. Who may call what is {@link AdminGuard}'s.
 */
final class AdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json; charset=utf-8";
  private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Set<String> ADD_FIELDS = Set.of("address", "weight", "id");

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
  private final HealthChecker checker; // may be null
  private final AdminGuard guard;

  AdminApi(PoolAdmin admin, ProxyMetrics metrics, HealthChecker checker, AdminGuard guard) {
    this.admin = admin;
    this.metrics = metrics;
    this.checker = checker;
    this.guard = guard;
  }

  boolean hasToken() {
    return guard.hasToken();
  }

  Response handle(HttpMethod method, String uri, HttpHeaders headers, ByteBuf body) {
    try {
      guard.request(headers);
      if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
        guard.mutation(headers); // before routing: a refused call learns nothing about ids or paths
      }
      return route(method, new QueryStringDecoder(uri).path(), headers, body);
    } catch (BadInput e) {
      Response r = error(e.status, e.field, e.getMessage());
      if (e.headerName != null) {
        r.header(e.headerName, e.headerValue); // RFC 9110: a 405 lists the allowed methods, a 401 its challenge
      }
      return r;
    }
  }

  private Response route(HttpMethod method, String path, HttpHeaders headers, ByteBuf body) {
    List<String> seg = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        seg.add(QueryStringDecoder.decodeComponent(s));
      }
    }
    if (seg.isEmpty()) {
      allow(method, "GET");
      return new Response(HttpResponseStatus.OK, "text/html; charset=utf-8",
          StatusPage.render(admin.pool().snapshot(), metrics, 2).getBytes(StandardCharsets.UTF_8));
    }
    if (seg.size() == 1 && seg.get(0).equals("metrics")) {
      allow(method, "GET");
      return new Response(HttpResponseStatus.OK, PROMETHEUS_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
    if (seg.size() < 2 || !seg.get(0).equals("api") || !seg.get(1).equals("backends") || seg.size() > 4) {
      throw new BadInput(HttpResponseStatus.NOT_FOUND, "path", "path: '" + path + "' (expected: /, /metrics or /api/backends...)");
    }
    if (seg.size() == 2) {
      allow(method, "GET", "POST");
      if (method.equals(HttpMethod.GET)) {
        ArrayNode arr = JSON.createArrayNode();
        for (BackendState s : admin.pool().snapshot().all()) {
          arr.add(backendJson(s));
        }
        return json(HttpResponseStatus.OK, arr);
      }
      return add(body);
    }
    String id = seg.get(2);
    if (seg.size() == 3) {
      allow(method, "GET", "DELETE");
      BackendState s = require(id);
      if (method.equals(HttpMethod.GET)) {
        return json(HttpResponseStatus.OK, backendJson(s));
      }
      noBody(body);
      admin.remove(id);
      ObjectNode n = backendJson(require(id, s));
      n.put("removal", "when in-flight reaches 0, at most after " + admin.drainTimeout().toMillis() + " ms");
      return json(HttpResponseStatus.ACCEPTED, n);
    }
    String action = seg.get(3);
    switch (action) {
      case "drain":
        allow(method, "POST");
        noBody(body);
        require(id);
        admin.drain(id);
        return json(HttpResponseStatus.ACCEPTED, backendJson(require(id)));
      case "enable":
        allow(method, "POST");
        noBody(body);
        require(id);
        notBeingRemoved(id);
        admin.enable(id);
        return json(HttpResponseStatus.OK, backendJson(require(id)));
      case "maintenance":
        allow(method, "POST");
        noBody(body);
        require(id);
        notBeingRemoved(id);
        admin.maintenance(id);
        return json(HttpResponseStatus.OK, backendJson(require(id)));
      case "weight":
        allow(method, "PUT");
        require(id);
        JsonNode doc = parseObject(body, Set.of("weight"));
        admin.setWeight(id, weight(doc.get("weight"), true));
        return json(HttpResponseStatus.OK, backendJson(require(id)));
      default:
        throw new BadInput(HttpResponseStatus.NOT_FOUND, "path",
            "path: '" + path + "' (expected: .../drain, .../enable, .../maintenance or .../weight)");
    }
  }

  private Response add(ByteBuf body) {
    JsonNode doc = parseObject(body, ADD_FIELDS);
    JsonNode addr = doc.get("address");
    if (addr == null || !addr.isTextual()) {
      throw new BadInput(HttpResponseStatus.BAD_REQUEST, "address",
          "address: " + (addr == null ? "missing" : addr.toString()) + " (expected: a \"host:port\" string)");
    }
    JsonNode idNode = doc.get("id");
    if (idNode != null && !idNode.isTextual()) {
      throw new BadInput(HttpResponseStatus.BAD_REQUEST, "id", "id: " + idNode + " (expected: a string)");
    }
    int weight = weight(doc.get("weight"), false);
    Backend b;
    try {
      b = Backend.of(idNode == null ? null : idNode.asText(), addr.asText(), weight);
    } catch (IllegalArgumentException e) {
      throw new BadInput(HttpResponseStatus.BAD_REQUEST, fieldOf(e.getMessage()), e.getMessage());
    }
    try {
      admin.add(b.id(), b.address(), b.weight());
    } catch (IllegalArgumentException e) {
      throw new BadInput(HttpResponseStatus.CONFLICT, fieldOf(e.getMessage()), e.getMessage());
    }
    return json(HttpResponseStatus.CREATED, backendJson(require(b.id())))
        .header(HttpHeaderNames.LOCATION.toString(), "/api/backends/" + b.id());
  }

  /** Maps lb-core's messages ("address: ...", "port: ...", "weight: ...", "backend id: ...") to a JSON field. */
  private static String fieldOf(String message) {
    if (message.startsWith("backend id")) {
      return "id";
    }
    if (message.startsWith("weight")) {
      return "weight";
    }
    return "address";
  }

  private static int weight(JsonNode n, boolean required) {
    if (n == null) {
      if (required) {
        throw new BadInput(HttpResponseStatus.BAD_REQUEST, "weight", "weight: missing (expected: an integer "
            + Backend.MIN_WEIGHT + ".." + Backend.MAX_WEIGHT + ")");
      }
      return 1;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()
        || n.intValue() < Backend.MIN_WEIGHT || n.intValue() > Backend.MAX_WEIGHT) {
      throw new BadInput(HttpResponseStatus.BAD_REQUEST, "weight",
          "weight: " + n + " (expected: an integer " + Backend.MIN_WEIGHT + ".." + Backend.MAX_WEIGHT + ")");
    }
    return n.intValue();
  }

  private static JsonNode parseObject(ByteBuf body, Set<String> allowed) {
    String text = body.toString(StandardCharsets.UTF_8);
    JsonNode doc;
    try {
      doc = text.isBlank() ? null : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadInput(HttpResponseStatus.BAD_REQUEST, "body",
          "body: invalid JSON (" + e.getOriginalMessage() + ") (expected: a JSON object)");
    }
    if (doc == null || !doc.isObject()) {
      throw new BadInput(HttpResponseStatus.BAD_REQUEST, "body",
          "body: " + (doc == null ? "empty" : doc.getNodeType().toString().toLowerCase()) + " (expected: a JSON object)");
    }
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new BadInput(HttpResponseStatus.BAD_REQUEST, f, f + ": unknown field (expected one of " + allowed + ")");
      }
    }
    return doc;
  }

  /** A call without parameters takes an empty body or an empty JSON object. */
  private static void noBody(ByteBuf body) {
    if (body.isReadable() && !body.toString(StandardCharsets.UTF_8).isBlank()) {
      parseObject(body, Set.of());
    }
  }

  private static void allow(HttpMethod method, String... methods) {
    for (String m : methods) {
      if (method.name().equals(m)) {
        return;
      }
    }
    throw new BadInput(HttpResponseStatus.METHOD_NOT_ALLOWED, "method",
        "method: " + method + " (expected: " + String.join(" or ", methods) + ")",
        HttpHeaderNames.ALLOW.toString(), String.join(", ", methods));
  }

  private BackendState require(String id) {
    BackendState s = admin.pool().snapshot().get(id);
    if (s == null) {
      throw new BadInput(HttpResponseStatus.NOT_FOUND, "id", "id: '" + id + "' (expected: a backend in the pool)");
    }
    return s;
  }

  /** The backend's state now, or {@code last} when it is already gone (removed at once because it was idle). */
  private BackendState require(String id, BackendState last) {
    BackendState s = admin.pool().snapshot().get(id);
    return s == null ? last : s;
  }

  private void notBeingRemoved(String id) {
    if (admin.isBeingRemoved(id)) {
      throw new BadInput(HttpResponseStatus.CONFLICT, "id", "id: '" + id + "' (expected: a backend not being removed)");
    }
  }

  private ObjectNode backendJson(BackendState s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", s.id());
    n.put("address", s.backend().address());
    n.put("weight", s.weight());
    n.put("health", s.health().name());
    n.put("adminState", s.adminState().name());
    n.put("inFlight", s.inFlight());
    n.put("requests", metrics.requests(s.id()));
    n.put("failures", metrics.failures(s.id()));
    Optional<CheckResult> last = checker == null ? Optional.empty() : checker.lastCheck(s.id());
    if (last.isPresent()) {
      CheckResult r = last.get();
      ObjectNode c = n.putObject("lastCheck");
      c.put("passed", r.passed());
      c.put("detail", r.detail());
      c.put("at", r.at().toString());
      c.put("tookMillis", r.took().toNanos() / 1e6);
    } else {
      n.putNull("lastCheck");
    }
    return n;
  }

  private static Response json(HttpResponseStatus status, JsonNode node) {
    try {
      return new Response(status, JSON_TYPE, JSON.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }

  static Response error(HttpResponseStatus status, String field, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", message);
    n.put("field", field);
    return json(status, n);
  }
}
