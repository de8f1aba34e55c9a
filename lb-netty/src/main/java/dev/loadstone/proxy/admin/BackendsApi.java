package dev.loadstone.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendState;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** {@code /api/backends[/{id}[/{action}]]}: list, add, show, remove, drain, enable, maintenance, weight. */
final class BackendsApi {
  private static final Set<String> ADD_FIELDS = Set.of("address", "weight", "id");

  private final PoolAdmin admin;
  private final BackendView view;

  BackendsApi(PoolAdmin admin, BackendView view) {
    this.admin = admin;
    this.view = view;
  }

  /** {@code seg} is the path after {@code /api/backends}, decoded: empty, {@code [id]} or {@code [id, action]}. */
  AdminApi.Response route(HttpMethod method, String path, List<String> seg, ByteBuf body) {
    if (seg.isEmpty()) {
      AdminApi.allow(method, "GET", "POST");
      if (method.equals(HttpMethod.GET)) {
        ArrayNode arr = AdminJson.JSON.createArrayNode();
        for (BackendState s : admin.pool().snapshot().all()) {
          arr.add(view.backend(s));
        }
        return AdminApi.json(HttpResponseStatus.OK, arr);
      }
      return add(body);
    }
    String id = seg.get(0);
    if (seg.size() == 1) {
      AdminApi.allow(method, "GET", "DELETE");
      BackendState s = require(id);
      if (method.equals(HttpMethod.GET)) {
        return AdminApi.json(HttpResponseStatus.OK, view.backend(s));
      }
      noBody(body);
      return remove(id, s);
    }
    switch (seg.get(1)) {
      case "drain":
        AdminApi.allow(method, "POST");
        noBody(body);
        require(id);
        admin.drain(id);
        return AdminApi.json(HttpResponseStatus.ACCEPTED, view.backend(require(id)));
      case "enable":
        AdminApi.allow(method, "POST");
        noBody(body);
        require(id);
        notBeingRemoved(id);
        admin.enable(id);
        return AdminApi.json(HttpResponseStatus.OK, view.backend(require(id)));
      case "maintenance":
        AdminApi.allow(method, "POST");
        noBody(body);
        require(id);
        notBeingRemoved(id);
        admin.maintenance(id);
        return AdminApi.json(HttpResponseStatus.OK, view.backend(require(id)));
      case "weight":
        AdminApi.allow(method, "PUT");
        require(id);
        JsonNode doc = parseObject(body, Set.of("weight"));
        admin.setWeight(id, weight(doc.get("weight"), true));
        return AdminApi.json(HttpResponseStatus.OK, view.backend(require(id)));
      default:
        throw new AdminApi.BadInput(HttpResponseStatus.NOT_FOUND, "path",
            "path: '" + path + "' (expected: .../drain, .../enable, .../maintenance or .../weight)");
    }
  }

  /**
   * 200 with {@code removed: true} when the backend had nothing in flight and is gone already; else 202 with
   * its state (DRAINING) and when it will go.
   */
  private AdminApi.Response remove(String id, BackendState before) {
    CompletableFuture<Void> f = admin.remove(id);
    BackendState now = admin.pool().snapshot().get(id);
    if (now == null && f.isDone() && !f.isCompletedExceptionally()) {
      ObjectNode n = AdminJson.JSON.createObjectNode();
      n.put("id", id);
      n.put("address", before.backend().address());
      n.put("removed", true);
      return AdminApi.json(HttpResponseStatus.OK, n);
    }
    ObjectNode n = now == null ? view.backend(before) : view.backend(now);
    n.put("removed", false);
    n.put("removal", "when in-flight reaches 0, at most after " + admin.drainTimeout().toMillis() + " ms");
    return AdminApi.json(HttpResponseStatus.ACCEPTED, n);
  }

  private AdminApi.Response add(ByteBuf body) {
    JsonNode doc = parseObject(body, ADD_FIELDS);
    JsonNode addr = doc.get("address");
    if (addr == null || !addr.isTextual()) {
      throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, "address",
          "address: " + (addr == null ? "missing" : addr.toString()) + " (expected: a \"host:port\" string)");
    }
    JsonNode idNode = doc.get("id");
    if (idNode != null && !idNode.isTextual()) {
      throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, "id", "id: " + idNode + " (expected: a string)");
    }
    int weight = weight(doc.get("weight"), false);
    Backend b;
    try {
      b = Backend.of(idNode == null ? null : idNode.asText(), addr.asText(), weight);
    } catch (IllegalArgumentException e) {
      throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, fieldOf(e.getMessage()), e.getMessage());
    }
    try {
      admin.add(b.id(), b.address(), b.weight());
    } catch (IllegalArgumentException e) {
      throw new AdminApi.BadInput(HttpResponseStatus.CONFLICT, fieldOf(e.getMessage()), e.getMessage());
    }
    return AdminApi.json(HttpResponseStatus.CREATED, view.backend(require(b.id())))
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
        throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, "weight", "weight: missing (expected: an integer "
            + Backend.MIN_WEIGHT + ".." + Backend.MAX_WEIGHT + ")");
      }
      return 1;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()
        || n.intValue() < Backend.MIN_WEIGHT || n.intValue() > Backend.MAX_WEIGHT) {
      throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, "weight",
          "weight: " + n + " (expected: an integer " + Backend.MIN_WEIGHT + ".." + Backend.MAX_WEIGHT + ")");
    }
    return n.intValue();
  }

  private static JsonNode parseObject(ByteBuf body, Set<String> allowed) {
    String text = body.toString(StandardCharsets.UTF_8);
    JsonNode doc;
    try {
      doc = text.isBlank() ? null : AdminJson.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, "body",
          "body: invalid JSON (" + e.getOriginalMessage() + ") (expected: a JSON object)");
    }
    if (doc == null || !doc.isObject()) {
      throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, "body",
          "body: " + (doc == null ? "empty" : doc.getNodeType().toString().toLowerCase()) + " (expected: a JSON object)");
    }
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new AdminApi.BadInput(HttpResponseStatus.BAD_REQUEST, f, f + ": unknown field (expected one of " + allowed + ")");
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

  private BackendState require(String id) {
    BackendState s = admin.pool().snapshot().get(id);
    if (s == null) {
      throw new AdminApi.BadInput(HttpResponseStatus.NOT_FOUND, "id", "id: '" + id + "' (expected: a backend in the pool)");
    }
    return s;
  }

  private void notBeingRemoved(String id) {
    if (admin.isBeingRemoved(id)) {
      throw new AdminApi.BadInput(HttpResponseStatus.CONFLICT, "id", "id: '" + id + "' (expected: a backend not being removed)");
    }
  }
}
