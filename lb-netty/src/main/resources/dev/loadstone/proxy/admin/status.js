"use strict";
// Loadstone status page: polls /api/status, redraws the table and charts, and calls the admin API.
// Everything from the server is put in the page as text (textContent), never as HTML.
(function () {
  var tokenKey = "loadstone-admin-token";
  var body = document.getElementById("backends");
  var msg = document.getElementById("msg");
  var auth = document.getElementById("auth");
  var pending = null; // an action waiting for a token: {id, action}

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function fmt(n, digits) {
    return n === null || n === undefined ? "-" : Number(n).toFixed(digits);
  }

  function uptime(s) {
    if (s >= 86400) return Math.floor(s / 86400) + "d " + Math.floor(s % 86400 / 3600) + "h";
    if (s >= 3600) return Math.floor(s / 3600) + "h " + Math.floor(s % 3600 / 60) + "m";
    if (s >= 60) return Math.floor(s / 60) + "m " + (s % 60) + "s";
    return s + "s";
  }

  function ago(iso, now) {
    if (!iso) return "-";
    var s = Math.max(0, Math.round((Date.parse(now) - Date.parse(iso)) / 1000));
    return uptime(s) + " ago";
  }

  // A small line chart of values (nulls are gaps) as inline SVG.
  function chart(values, color, label) {
    var w = 150, h = 28, ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", w);
    svg.setAttribute("height", h);
    svg.setAttribute("role", "img");
    var max = 0;
    values.forEach(function (v) { if (v !== null && v > max) max = v; });
    var title = document.createElementNS(ns, "title");
    title.textContent = label + ", max " + fmt(max, 1);
    svg.appendChild(title);
    var d = "", pen = false, n = Math.max(values.length - 1, 1);
    values.forEach(function (v, i) {
      if (v === null) { pen = false; return; }
      var x = (i / n) * (w - 2) + 1, y = h - 2 - (max > 0 ? v / max : 0) * (h - 4);
      d += (pen ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
      pen = true;
    });
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", color);
    path.setAttribute("stroke-width", "1.5");
    svg.appendChild(path);
    return svg;
  }

  function button(id, action, label) {
    var b = el("button", label);
    b.setAttribute("data-backend", id);
    b.setAttribute("data-action", action);
    b.addEventListener("click", function () { act(id, action); });
    return b;
  }

  function row(b, now) {
    var tr = el("tr");
    tr.setAttribute("data-backend", b.id);
    var name = el("td");
    name.appendChild(el("div", b.id));
    name.appendChild(el("div", b.address, "why"));
    tr.appendChild(name);
    tr.appendChild(el("td", b.weight, "n"));
    tr.appendChild(el("td", b.source));
    var health = el("td");
    health.appendChild(el("span", b.health, b.health));
    if (b.health === "DOWN" && b.healthReason) health.appendChild(el("div", b.healthReason, "why"));
    if (b.ejectedUntil) health.appendChild(el("div", "ejected until " + new Date(b.ejectedUntil).toLocaleTimeString(), "why"));
    if (b.lastCheck && !b.lastCheck.passed) health.appendChild(el("div", "last check: " + b.lastCheck.detail, "why"));
    tr.appendChild(health);
    var state = el("td", b.adminState, b.adminState);
    state.setAttribute("data-state", b.adminState);
    tr.appendChild(state);
    tr.appendChild(el("td", b.inFlight, "n"));
    ["2xx", "4xx", "5xx"].forEach(function (c) { tr.appendChild(el("td", fmt(b.ratesPerSecond[c], 1), "n")); });
    tr.appendChild(el("td", b.p95Millis === null ? "-" : fmt(b.p95Millis, 1) + " ms", "n"));
    tr.appendChild(el("td", ago(b.lastChange, now)));
    var charts = el("td");
    charts.appendChild(chart(b.history.requestsPerSecond, "#2a6fdb", "requests/s"));
    charts.appendChild(el("br"));
    charts.appendChild(chart(b.history.p95Millis, "#c0392b", "p95 ms"));
    tr.appendChild(charts);
    var actions = el("td");
    if (b.adminState !== "DRAINING") actions.appendChild(button(b.id, "drain", "Drain"));
    if (b.adminState !== "ACTIVE") actions.appendChild(button(b.id, "enable", "Enable"));
    if (b.adminState !== "MAINTENANCE") actions.appendChild(button(b.id, "maintenance", "Maintenance"));
    tr.appendChild(actions);
    return tr;
  }

  function render(s) {
    document.getElementById("summary").textContent = "version " + s.version + ", " + s.algorithm + ", listening on "
        + s.listeners.join(", ") + ", up " + uptime(s.uptimeSeconds) + ". " + s.available + " of " + s.total
        + " backends available" + (s.serving ? "." : " (not serving).");
    document.getElementById("scaling").textContent = !s.scaling ? "Scaling advisor: off (no scaling: section in the configuration)."
        : s.scaling.desired === undefined ? "Scaling advisor: on, no decision yet."
        : "Scaling advisor: recommends " + s.scaling.desired + " backends (now " + s.scaling.current + "; "
            + s.scaling.rule + ": " + s.scaling.reason + ").";
    var rows = document.createDocumentFragment();
    s.backends.forEach(function (b) { rows.appendChild(row(b, s.now)); });
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(rows);
    document.body.setAttribute("data-loaded", "true");
  }

  function refresh() {
    fetch("/api/status", {cache: "no-store", credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok) throw new Error("GET /api/status: " + r.status);
        return r.json();
      })
      .then(render)
      .catch(function (e) { msg.textContent = String(e.message || e); });
  }

  function act(id, action) {
    var headers = {"Content-Type": "application/json"};
    var token = sessionStorage.getItem(tokenKey);
    if (token) headers["Authorization"] = "Bearer " + token;
    fetch("/api/backends/" + encodeURIComponent(id) + "/" + action,
        {method: "POST", headers: headers, body: "{}", credentials: "same-origin"})
      .then(function (r) {
        return r.json().then(function (j) { return {status: r.status, body: j}; });
      })
      .then(function (r) {
        if (r.status === 401) {
          pending = {id: id, action: action};
          auth.hidden = false;
          msg.textContent = "This action needs the admin token.";
          return;
        }
        msg.textContent = r.status >= 400 ? r.body.error : id + ": " + action + " (" + r.status + ")";
        refresh();
      })
      .catch(function (e) { msg.textContent = String(e.message || e); });
  }

  document.getElementById("save").addEventListener("click", function () {
    sessionStorage.setItem(tokenKey, document.getElementById("token").value);
    document.getElementById("token").value = "";
    auth.hidden = true;
    if (pending) {
      var p = pending;
      pending = null;
      act(p.id, p.action);
    }
  });

  refresh();
  setInterval(refresh, 2000);
})();
