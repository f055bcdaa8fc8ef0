#include "report/page_script.hpp"

namespace ks::report::html {

namespace {

constexpr std::string_view kStyle = R"(
figure.ks-plot { position: relative; }
.ks-tip { position: absolute; z-index: 2; top: 8px; background: rgba(255, 255, 255, 0.96);
          border: 1px solid var(--line); border-radius: 6px; padding: 6px 9px; max-width: 460px;
          font: 12px/1.35 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
          box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); pointer-events: none; }
.ks-tip div { white-space: pre; overflow: hidden; text-overflow: ellipsis; }
.ks-tip .ks-t { font-weight: 600; }
.ks-tip .ks-ev { color: var(--bad); }
.ks-tip.ks-pinned { pointer-events: auto; }
.ks-tip a { color: #0969da; cursor: pointer; }
svg .ks-cursor { stroke: #0969da; stroke-width: 1.5; pointer-events: none; }
svg .ks-dot { fill: none; stroke: #0969da; stroke-width: 2.5; pointer-events: none; }
.ks-js table.timeline tr[data-t] { cursor: pointer; }
.ks-js table.timeline tr[data-t]:hover td { background: #f6f8fa; }
table.timeline tr.ks-sel td { background: #ddf4ff; }
p.ks-hint { color: var(--muted); }
)";

// ES2017, no library. Names: a "plot" is one interactive figure; a "panel"
// one set of axes in it (a multiplot has several); fractions are of the
// SVG's width and height, y from the bottom as gnuplot counts.
constexpr std::string_view kScript = R"JS(
(function () {
  "use strict";
  var TIPS_MAX = 20, EVENTS_MAX = 3;
  var plots = [], timePlots = [], pinned = null, selected = null;
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.timeline tr[data-t]"));

  function num(v) {
    if (v === null || v === undefined || isNaN(v)) return "-";
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e7 || a < 1e-3)) return v.toExponential(2);
    return String(Math.round(v * 1000) / 1000);
  }
  function axis(v0, v1, log) {
    return log ? { a: Math.log(v0), b: Math.log(v1), log: true } : { a: v0, b: v1, log: false };
  }
  function valueAt(ax, u) {
    var v = ax.a + u * (ax.b - ax.a);
    return ax.log ? Math.exp(v) : v;
  }
  function fractionOf(ax, v) {
    if (ax.log) v = v > 0 ? Math.log(v) : NaN;
    return (v - ax.a) / (ax.b - ax.a);
  }
  function line(tip, text, cls) {
    var d = document.createElement("div");
    d.textContent = text;
    if (cls) d.className = cls;
    tip.appendChild(d);
    return d;
  }
  // The last sample at or before t (the plots draw steps), else the first.
  function sampleAt(ts, t) {
    var lo = 0, hi = ts.length - 1;
    if (hi < 0 || t < ts[0]) return 0;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (ts[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  function eventsNear(t, tolerance) {
    var out = [];
    for (var i = 0; i < rows.length && out.length < EVENTS_MAX; ++i) {
      var rt = Number(rows[i].getAttribute("data-t"));
      if (Math.abs(rt - t) <= tolerance) out.push(rows[i].cells[1].textContent);
    }
    return out;
  }

  function setup(fig) {
    var svg = fig.querySelector("svg"), json = fig.querySelector("script.ks-data");
    if (!svg || !json) return null;
    var vb = svg.viewBox && svg.viewBox.baseVal;
    var p = {
      fig: fig, svg: svg, name: fig.getAttribute("data-ks-plot"), data: JSON.parse(json.textContent),
      kind: fig.getAttribute("data-ks-kind"), nearest: fig.getAttribute("data-ks-nearest") || "x",
      W: vb && vb.width ? vb.width : svg.width.baseVal.value,
      H: vb && vb.height ? vb.height : svg.height.baseVal.value,
      cursorT: null, lastT: null, lines: [], dot: null
    };
    var xlog = fig.getAttribute("data-ks-xlog") === "1", ylog = fig.getAttribute("data-ks-ylog") === "1";
    p.panels = fig.getAttribute("data-ks-frame").split(";").map(function (text) {
      var n = text.trim().split(/\s+/).map(Number);
      return { xa: axis(n[0], n[1], xlog), ya: axis(n[2], n[3], ylog), l: n[4], r: n[5], b: n[6], t: n[7] };
    });
    p.tip = document.createElement("div");
    p.tip.className = "ks-tip";
    p.tip.hidden = true;
    fig.appendChild(p.tip);
    if (p.kind === "time") {
      p.lines = p.panels.map(function (q) {
        var l = document.createElementNS(svg.namespaceURI, "line");
        l.setAttribute("class", "ks-cursor");
        l.setAttribute("y1", String((1 - q.t) * p.H));
        l.setAttribute("y2", String((1 - q.b) * p.H));
        l.style.display = "none";
        svg.appendChild(l);
        return l;
      });
      timePlots.push(p);
    } else {
      p.dot = document.createElementNS(svg.namespaceURI, "circle");
      p.dot.setAttribute("class", "ks-dot");
      p.dot.setAttribute("r", "7");
      p.dot.style.display = "none";
      svg.appendChild(p.dot);
    }
    svg.addEventListener("mousemove", function (e) { move(p, e); });
    svg.addEventListener("mouseleave", function () { leave(p); });
    return p;
  }

  // The mouse as fractions of the SVG (y from the bottom).
  function where(p, e) {
    var r = p.svg.getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: 1 - (e.clientY - r.top) / r.height, px: e.clientX - r.left,
             py: e.clientY - r.top, w: r.width };
  }
  function place(p, m) {
    var tip = p.tip, figW = p.fig.clientWidth;
    tip.style.top = Math.max(0, m.py - 20) + "px";
    if (m.px > figW / 2) { tip.style.left = ""; tip.style.right = (figW - m.px + 14) + "px"; }
    else { tip.style.right = ""; tip.style.left = (m.px + 14) + "px"; }
  }

  // ---- plots over time: one cursor for all ----
  function showCursor(p, t) {
    var q0 = p.panels[0], u = fractionOf(q0.xa, t);
    p.cursorT = u >= 0 && u <= 1 ? t : null;
    p.lines.forEach(function (l, k) {
      var q = p.panels[k], x = (q.l + fractionOf(q.xa, t) * (q.r - q.l)) * p.W;
      l.setAttribute("x1", String(x));
      l.setAttribute("x2", String(x));
      l.style.display = p.cursorT === null ? "none" : "";
    });
  }
  function timeTip(p, t) {
    var tip = p.tip, d = p.data, i = sampleAt(d.t, t);
    tip.textContent = "";
    line(tip, "t = " + num(t) + " s  (sample at " + num(d.t[i]) + " s)", "ks-t");
    d.series.slice(0, TIPS_MAX).forEach(function (s) { line(tip, s.name + "  " + num(s.v[i])); });
    if (d.series.length > TIPS_MAX) line(tip, "... " + (d.series.length - TIPS_MAX) + " more in the .dat file");
    var q0 = p.panels[0], span = Math.abs(valueAt(q0.xa, 1) - valueAt(q0.xa, 0));
    eventsNear(t, span * 0.01).forEach(function (text) { line(tip, text, "ks-ev"); });
    tip.hidden = false;
  }
  function moveTime(p, m) {
    var q0 = p.panels[0], u = (m.x - q0.l) / (q0.r - q0.l);
    if (u < 0 || u > 1) { leave(p); return; }
    var t = valueAt(q0.xa, u);
    p.lastT = t;
    timePlots.forEach(function (o) { showCursor(o, t); if (o !== p) o.tip.hidden = true; });
    timeTip(p, t);
    p.tip.classList.remove("ks-pinned");
    place(p, m);
  }

  // ---- other plots: the nearest point ----
  function movePoints(p, m) {
    var q = p.panels[0], d = p.data, best = -1, bestD = Infinity;
    for (var i = 0; i < d.x.length; ++i) {
      var fx = q.l + fractionOf(q.xa, d.x[i]) * (q.r - q.l), fy = q.b + fractionOf(q.ya, d.y[i]) * (q.t - q.b);
      var dx = (fx - m.x) * p.W, dy = (fy - m.y) * p.H;
      var dist = p.nearest === "x" ? Math.abs(dx) : p.nearest === "y" ? Math.abs(dy) : Math.sqrt(dx * dx + dy * dy);
      if (isFinite(dist) && dist < bestD) { bestD = dist; best = i; p.dotX = fx; p.dotY = fy; }
    }
    if (best < 0) { leave(p); return; }
    p.dot.setAttribute("cx", String(p.dotX * p.W));
    p.dot.setAttribute("cy", String((1 - p.dotY) * p.H));
    p.dot.style.display = "";
    p.tip.textContent = "";
    String(d.text[best]).split("\n").forEach(function (t, k) { line(p.tip, t, k ? "" : "ks-t"); });
    p.tip.hidden = false;
    place(p, m);
  }

  function move(p, e) {
    var m = where(p, e);
    if (p.kind === "time") moveTime(p, m); else movePoints(p, m);
  }
  function leave(p) {
    p.tip.hidden = true;
    if (p.dot) p.dot.style.display = "none";
    if (p.kind !== "time") return;
    if (pinned !== null) pin(pinned, false);
    else timePlots.forEach(function (o) { showCursor(o, NaN); });
  }

  // ---- the timeline: a row puts the cursor at its moment ----
  function pin(t, scroll) {
    pinned = t;
    timePlots.forEach(function (o) {
      showCursor(o, t);
      if (o.cursorT === null) { o.tip.hidden = true; return; }
      timeTip(o, t);
      var back = document.createElement("a");
      back.textContent = "back to the timeline";
      back.addEventListener("click", function () { if (selected) selected.scrollIntoView({ block: "center" }); });
      o.tip.appendChild(document.createElement("div")).appendChild(back);
      o.tip.classList.add("ks-pinned");
      // Beside the cursor, at the top of the plot.
      var q = o.panels[0], w = o.svg.getBoundingClientRect().width;
      place(o, { px: (q.l + fractionOf(q.xa, t) * (q.r - q.l)) * w, py: 28 });
    });
    if (scroll && timePlots.length) timePlots[0].fig.scrollIntoView({ block: "start", behavior: "smooth" });
  }
  function unpin() {
    pinned = null;
    if (selected) selected.classList.remove("ks-sel");
    selected = null;
    timePlots.forEach(function (o) { o.tip.hidden = true; o.tip.classList.remove("ks-pinned"); showCursor(o, NaN); });
  }
  function activate(row, scroll) {
    if (selected === row) { unpin(); return; }
    if (selected) selected.classList.remove("ks-sel");
    selected = row;
    row.classList.add("ks-sel");
    pin(Number(row.getAttribute("data-t")), scroll);
  }

  // ---- the self-check ----
  function check() {
    var problems = [], hovered = 0;
    plots.forEach(function (p) {
      var q = p.panels[0], r = p.svg.getBoundingClientRect(), fx, fy;
      if (p.kind === "time") {
        if (p.lines.length !== p.panels.length) problems.push(p.name + ": no cursor");
        fx = (q.l + q.r) / 2; fy = (q.b + q.t) / 2;
      } else {
        if (!p.dot || !p.data.x.length) { problems.push(p.name + ": no points"); return; }
        fx = q.l + fractionOf(q.xa, p.data.x[0]) * (q.r - q.l);
        fy = q.b + fractionOf(q.ya, p.data.y[0]) * (q.t - q.b);
      }
      p.svg.dispatchEvent(new MouseEvent("mousemove", { clientX: r.left + fx * r.width,
                                                       clientY: r.top + (1 - fy) * r.height }));
      if (p.tip.hidden || p.tip.childNodes.length < 2) problems.push(p.name + ": no hover value");
      else ++hovered;
      if (p.kind === "time") {
        timePlots.forEach(function (o) {
          if (o.cursorT === null || Math.abs(o.cursorT - p.lastT) > 1e-9 || o.lines[0].style.display === "none")
            problems.push(o.name + ": cursor not at " + num(p.lastT) + " s when hovering " + p.name);
        });
      }
      p.svg.dispatchEvent(new MouseEvent("mouseleave"));
      if (!p.tip.hidden) problems.push(p.name + ": the value stays after the mouse left");
    });
    var row = rows.filter(function (x) { return Number(x.getAttribute("data-t")) > 0; })[0];
    if (row && timePlots.length) {
      var t = Number(row.getAttribute("data-t"));
      activate(row, false);
      timePlots.forEach(function (o) {
        var x = Number(o.lines[0].getAttribute("x1")) / o.W, q = o.panels[0];
        var back = valueAt(q.xa, (x - q.l) / (q.r - q.l));
        if (o.cursorT !== null && Math.abs(back - t) > 1e-6 * Math.max(1, Math.abs(t)))
          problems.push(o.name + ": a timeline row at " + t + " s put the cursor at " + num(back) + " s");
      });
      activate(row, false);
      if (pinned !== null || row.classList.contains("ks-sel")) problems.push("a second click does not unpin");
    }
    document.body.setAttribute("data-ks-check",
                               problems.length ? "fail:" + problems.join("; ") : "ok:" + plots.length + ":" + hovered);
  }

  try {
    Array.prototype.slice.call(document.querySelectorAll("figure[data-ks-kind]")).forEach(function (fig) {
      var p = setup(fig);
      if (p) plots.push(p);
    });
    rows.forEach(function (row) { row.addEventListener("click", function () { activate(row, true); }); });
    check();
  } catch (e) {
    document.body.setAttribute("data-ks-check", "fail:" + e);
    return;
  }
  document.body.classList.add("ks-js");
  Array.prototype.slice.call(document.querySelectorAll(".ks-hint")).forEach(function (h) { h.hidden = false; });
})();
)JS";

}  // namespace

std::string_view page_script() {
    return kScript;
}

std::string_view page_script_style() {
    return kStyle;
}

std::string script_json(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    for (char c : json) {
        if (c == '<') {
            out += "\\u003c";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace ks::report::html
