// The outflux fleet page: polls GET /api/v1/clients every second, renders one table row per client
// and draws each client's lag over the last five minutes on a canvas. Plain JS, no dependencies.
// Client-provided strings (ids, node names) only ever go through textContent / fillText.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var WINDOW_MS = 5 * 60 * 1000;
  var MIN_SPAN_MS = 60 * 1000;
  var CLIENTS_URL = "../api/v1/clients";
  var COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"];

  var history = {};   // client id -> [{t: ms, lag: seconds}]
  var colorOf = {};   // client id -> color, stable for the page's life
  var nextColor = 0;

  // What the browser test reads; also handy in a console.
  var state = window.outfluxFleet = { polls: 0, errors: 0, clients: 0, refused: 0, shown: 0, chartPoints: 0,
    lastError: null, sort: "client", filter: "" };

  function color(id) {
    if (!colorOf[id]) {
      colorOf[id] = COLORS[nextColor++ % COLORS.length];
    }
    return colorOf[id];
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function num(v) {
    return typeof v === "number" && isFinite(v);
  }

  function fmtInt(v) {
    return num(v) ? Math.round(v).toLocaleString("en-US") : "–";
  }

  function fmtBytes(v) {
    if (!num(v)) return "–";
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)) + " " + units[i];
  }

  function fmtSeconds(v) {
    if (!num(v)) return "–";
    if (v < 10) return v.toFixed(2) + " s";
    if (v < 120) return v.toFixed(1) + " s";
    if (v < 7200) return (v / 60).toFixed(1) + " min";
    return (v / 3600).toFixed(1) + " h";
  }

  function fmtRate(v) {
    if (!num(v)) return "–";
    return (v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString("en-US")) + " lines/s";
  }

  function fmtAgo(v) {
    if (!num(v)) return "–";
    return v < 1 ? "just now" : fmtSeconds(v) + " ago";
  }

  function cell(text, className) {
    return el("td", className, text);
  }

  // the client's audit (docs/audit.md): verified up to, and windows it could not repair, with why
  function auditCell(a) {
    if (!a) return cell("–", "audit");
    var bad = Array.isArray(a.unrepairable) ? a.unrepairable : [];
    var total = a.windows && num(a.windows.unrepairable) ? a.windows.unrepairable : bad.length;
    var td = cell(a.verifiedUpTo ? String(a.verifiedUpTo).replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")
        : "not yet", "audit");
    if (total > 0) {
      td.appendChild(el("span", "unrepairable", " · " + fmtInt(total) + " unrepairable"));
      td.title = bad.map(function (u) {
        return String(u.measurement) + " " + String(u.from) + " .. " + String(u.to) + ": " + String(u.why);
      }).join("\n");
    }
    return td;
  }

  function row(c) {
    var tr = el("tr");
    var id = String(c.clientId);
    var refused = c.state === "refused";
    tr.dataset.clientId = id;
    tr.dataset.state = c.state || "";
    tr.dataset.transport = c.transport || "";
    tr.dataset.version = c.version || "";
    tr.dataset.lag = num(c.lagSeconds) ? String(c.lagSeconds) : "";
    tr.dataset.backlogLines = num(c.backlogLines) ? String(c.backlogLines) : "";
    tr.dataset.backlogBytes = num(c.backlogBytes) ? String(c.backlogBytes) : "";
    tr.dataset.linesPerSecond = num(c.linesPerSecond) ? String(c.linesPerSecond) : "";
    tr.dataset.linesStored = num(c.linesStored) ? String(c.linesStored) : "";
    tr.dataset.lastSeen = (refused ? c.lastRefused : c.lastSeen) || "";
    tr.dataset.lastError = refused ? String(c.reason || "") : "";
    if (refused) tr.className = "refused";

    var name = cell("", "client");
    var swatch = el("span", "swatch");
    swatch.style.background = refused ? "transparent" : color(id);
    name.appendChild(swatch);
    name.appendChild(document.createTextNode(id || "(no client id)"));
    tr.appendChild(name);

    var st = cell("");
    st.appendChild(el("span", "state " + (c.state || "stale"), c.state || "unknown"));
    tr.appendChild(st);
    tr.appendChild(cell(String(c.version || "–"), "version"));
    tr.appendChild(cell(refused ? "–" : c.transport === "websocket" ? "stream (WebSocket)"
        : c.transport === "http" ? "batches (HTTP)" : String(c.transport || "–")));
    var nodeText = refused ? "from " + String(c.source || "?") : String(c.node || "–");
    var node = cell(nodeText, "node");
    node.title = nodeText;
    tr.appendChild(node);
    var lag = cell((c.lagAgeing ? "≥ " : "") + fmtSeconds(c.lagSeconds), "num lag");
    if (c.lagAgeing) lag.title = "reported " + fmtSeconds(c.reportedLagSeconds) + " at the last contact; ageing since";
    tr.appendChild(lag);
    tr.appendChild(cell(fmtInt(c.backlogLines), "num backlog-lines"));
    var bytes = cell(fmtBytes(c.backlogBytes), "num backlog-bytes");
    if (num(c.backlogBytes)) bytes.title = fmtInt(c.backlogBytes) + " bytes";
    tr.appendChild(bytes);
    tr.appendChild(cell(fmtRate(c.linesPerSecond), "num throughput"));
    tr.appendChild(cell(fmtInt(c.linesStored), "num stored"));
    var seen = cell(fmtAgo(refused ? c.secondsSinceRefused : c.secondsSinceSeen), "num seen");
    if (tr.dataset.lastSeen) seen.title = tr.dataset.lastSeen;
    tr.appendChild(seen);
    tr.appendChild(auditCell(c.audit));
    var error = cell(refused ? String(c.reason || "") + " (" + fmtInt(c.count) + "×, " + String(c.user || "no user")
        + ", since " + String(c.firstRefused || "?") + ")" : "–", "error");
    error.title = error.textContent;
    tr.appendChild(error);
    return tr;
  }

  // sorting and filtering: the page's own state, applied to every poll's rows
  var SORT_KEYS = { client: "clientId", state: "state", version: "version", transport: "transport", node: "node",
    lag: "lagSeconds", "backlog-lines": "backlogLines", "backlog-bytes": "backlogBytes", throughput: "linesPerSecond",
    stored: "linesStored", seen: "secondsSinceSeen", audit: "auditVerifiedUpTo", error: "reason" };
  var view = { sort: "client", descending: false, filter: "" };
  var lastRows = [];

  function sortValue(c, key) {
    var field = SORT_KEYS[key] || "clientId";
    if (field === "secondsSinceSeen" && c.state === "refused") field = "secondsSinceRefused";
    var v = c[field];
    return v === undefined || v === null ? "" : v;
  }

  function arrange(rows) {
    var shown = rows.filter(function (c) { return !view.filter || c.state === view.filter; });
    shown.sort(function (a, b) {
      var x = sortValue(a, view.sort), y = sortValue(b, view.sort);
      var d = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      if (d === 0) d = String(a.clientId).localeCompare(String(b.clientId));
      return view.descending ? -d : d;
    });
    return shown;
  }

  function renderTable(rows) {
    lastRows = rows;
    var shown = arrange(rows);
    var tbody = document.querySelector("#clients tbody");
    var fragment = document.createDocumentFragment();
    shown.forEach(function (c) { fragment.appendChild(row(c)); });
    tbody.replaceChildren(fragment);
    document.getElementById("empty").hidden = rows.length > 0;
    document.querySelectorAll("#clients th[data-sort]").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.sort === view.sort ? (view.descending ? "descending" : "ascending") : "none");
    });
    state.shown = shown.length;
  }

  function setUpControls() {
    document.querySelectorAll("#clients th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () {
        if (view.sort === th.dataset.sort) view.descending = !view.descending;
        else { view.sort = th.dataset.sort; view.descending = false; }
        state.sort = view.sort + (view.descending ? " desc" : "");
        renderTable(lastRows);
      });
    });
    document.getElementById("filter").addEventListener("change", function (e) {
      view.filter = e.target.value;
      state.filter = view.filter;
      renderTable(lastRows);
    });
    document.getElementById("login").addEventListener("submit", function (e) {
      e.preventDefault();
      var user = document.getElementById("login-user").value;
      var password = document.getElementById("login-password").value;
      // kept in this tab only (sessionStorage), never in a cookie or on disk beyond the tab's life
      sessionStorage.setItem(AUTH_KEY, btoa(unescape(encodeURIComponent(user + ":" + password))));
      document.getElementById("login-password").value = "";
      showLogin(false, "");
    });
    document.getElementById("logout").addEventListener("click", function () {
      sessionStorage.removeItem(AUTH_KEY);
      showLogin(true, "signed out");
    });
  }

  var AUTH_KEY = "outflux.operator";

  function authHeaders() {
    var h = { Accept: "application/json" };
    var token = sessionStorage.getItem(AUTH_KEY);
    if (token) h.Authorization = "Basic " + token;
    return h;
  }

  function showLogin(show, why) {
    document.getElementById("login").hidden = !show;
    document.getElementById("login-why").textContent = why || "";
    document.getElementById("logout").hidden = show || !sessionStorage.getItem(AUTH_KEY);
    state.loginShown = show;
  }

  function renderSummary(body) {
    var clients = body.clients;
    var live = clients.filter(function (c) { return c.state === "live"; }).length;
    var lines = 0, rate = 0, maxLag = 0;
    clients.forEach(function (c) {
      if (num(c.backlogLines)) lines += c.backlogLines;
      if (num(c.linesPerSecond)) rate += c.linesPerSecond;
      if (num(c.lagSeconds) && c.lagSeconds > maxLag) maxLag = c.lagSeconds;
    });
    var s = document.getElementById("summary");
    s.replaceChildren();
    [["clients", fmtInt(clients.length)], ["live", fmtInt(live)], ["backlog", fmtInt(lines) + " lines"],
      ["max lag", fmtSeconds(maxLag)], ["throughput", fmtRate(rate)]].forEach(function (kv, i) {
      if (i > 0) s.appendChild(document.createTextNode(" · "));
      s.appendChild(document.createTextNode(kv[0] + " "));
      s.appendChild(el("b", null, kv[1]));
    });
  }

  function remember(clients, now) {
    clients.forEach(function (c) {
      var id = String(c.clientId);
      if (!num(c.lagSeconds)) return;
      (history[id] = history[id] || []).push({ t: now, lag: c.lagSeconds });
    });
    Object.keys(history).forEach(function (id) {
      var points = history[id].filter(function (p) { return now - p.t <= WINDOW_MS; });
      if (points.length) history[id] = points; else delete history[id];
    });
  }

  function niceStep(max, ticks) {
    var raw = max / ticks;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var norm = raw / mag;
    return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  }

  function drawChart(now) {
    var canvas = document.getElementById("lag-chart");
    var ratio = window.devicePixelRatio || 1;
    var cssWidth = canvas.clientWidth || 960;
    var cssHeight = canvas.clientHeight || 280;
    if (canvas.width !== Math.round(cssWidth * ratio) || canvas.height !== Math.round(cssHeight * ratio)) {
      canvas.width = Math.round(cssWidth * ratio);
      canvas.height = Math.round(cssHeight * ratio);
    }
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, cssWidth, cssHeight);

    var left = 58, right = 16, top = 12, bottom = 36;
    var w = cssWidth - left - right, h = cssHeight - top - bottom;
    var ids = Object.keys(history).sort();
    var maxLag = 0;
    ids.forEach(function (id) { history[id].forEach(function (p) { maxLag = Math.max(maxLag, p.lag); }); });
    var step = niceStep(Math.max(maxLag, 0.5) * 1.1, 4);
    var top_ = Math.ceil(Math.max(maxLag, 0.5) * 1.1 / step) * step;
    // the time axis spans the history there is, from one minute up to five
    var oldest = now;
    ids.forEach(function (id) { oldest = Math.min(oldest, history[id][0].t); });
    var span = Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, now - oldest));
    var x = function (t) { return left + w * (1 - (now - t) / span); };
    var y = function (lag) { return top + h * (1 - lag / top_); };

    g.font = "11px system-ui, sans-serif";
    g.lineWidth = 1;
    g.strokeStyle = "#e3e6eb";
    g.fillStyle = "#6b7280";
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (var v = 0; v <= top_ + step / 2; v += step) {
      g.beginPath();
      g.moveTo(left, Math.round(y(v)) + 0.5);
      g.lineTo(left + w, Math.round(y(v)) + 0.5);
      g.stroke();
      g.fillText(fmtTick(v, step), left - 8, y(v));
    }
    g.textAlign = "center";
    g.textBaseline = "top";
    var tick = [10000, 15000, 30000, 60000].filter(function (t) { return span / t <= 6; })[0] || 60000;
    for (var ago = Math.floor(span / tick) * tick; ago >= 0; ago -= tick) {
      var tx = x(now - ago);
      g.beginPath();
      g.moveTo(Math.round(tx) + 0.5, top + h);
      g.lineTo(Math.round(tx) + 0.5, top + h + 4);
      g.stroke();
      g.fillText(ago === 0 ? "now" : "−" + (ago % 60000 === 0 ? ago / 60000 + " min" : ago / 1000 + " s"), tx,
          top + h + 7);
    }
    g.save();
    g.translate(14, top + h / 2);
    g.rotate(-Math.PI / 2);
    g.textBaseline = "middle";
    g.fillText("lag (seconds)", 0, 0);
    g.restore();
    g.strokeStyle = "#9ca3af";
    g.beginPath();
    g.moveTo(left + 0.5, top);
    g.lineTo(left + 0.5, top + h + 0.5);
    g.lineTo(left + w, top + h + 0.5);
    g.stroke();

    var points = 0;
    g.lineWidth = 2;
    g.lineJoin = "round";
    ids.forEach(function (id) {
      var series = history[id];
      g.strokeStyle = color(id);
      g.fillStyle = color(id);
      g.beginPath();
      series.forEach(function (p, i) {
        if (i === 0) g.moveTo(x(p.t), y(p.lag)); else g.lineTo(x(p.t), y(p.lag));
      });
      g.stroke();
      if (series.length === 1) {
        g.beginPath();
        g.arc(x(series[0].t), y(series[0].lag), 2.5, 0, 2 * Math.PI);
        g.fill();
      }
      points += series.length;
    });
    if (!ids.length) {
      g.fillStyle = "#6b7280";
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillText("no lag reported yet", left + w / 2, top + h / 2);
    }
    state.chartPoints = points;
    state.chartSeries = ids.length;
    renderLegend(ids);
  }

  function fmtTick(v, step) {
    return step < 1 ? v.toFixed(step < 0.1 ? 2 : 1) : String(Math.round(v));
  }

  function renderLegend(ids) {
    var legend = document.getElementById("legend");
    legend.replaceChildren();
    ids.forEach(function (id) {
      var li = el("li");
      var swatch = el("span", "swatch");
      swatch.style.background = color(id);
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(id));
      legend.appendChild(li);
    });
  }

  function setStatus(text, error) {
    var s = document.getElementById("status");
    s.textContent = text;
    s.className = error ? "status error" : "status";
  }

  function poll() {
    var headers = authHeaders();
    state.authSent = !!headers.Authorization;
    fetch(CLIENTS_URL, { cache: "no-store", headers: headers })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) {
          showLogin(true, r.status === 401 ? "This server asks for the central InfluxDB's admin credentials."
              : "These credentials are not an InfluxDB admin's.");
          throw new Error("HTTP " + r.status + " (sign in)");
        }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (body) {
        var now = Date.now();
        var clients = Array.isArray(body.clients) ? body.clients : [];
        var refused = Array.isArray(body.refused) ? body.refused : [];
        remember(clients, now);
        renderTable(clients.concat(refused));
        state.refused = refused.length;
        renderSummary({ clients: clients });
        drawChart(now);
        state.polls++;
        state.clients = clients.length;
        state.lastError = null;
        setStatus("via " + String(body.node || "?") + " · updated " + new Date(now).toLocaleTimeString("en-GB"));
      })
      .catch(function (err) {
        state.errors++;
        state.lastError = String(err && err.message || err);
        setStatus("cannot read the fleet view: " + state.lastError + " (retrying)", true);
        drawChart(Date.now());
      })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  setUpControls();
  showLogin(false, "");
  drawChart(Date.now());
  poll();
})();
