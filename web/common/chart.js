// MohallaChart draws small charts as inline SVG, with no library: bars per
// day (one series or stacked), lines over time, and horizontal bars of a
// ranking. Each chart replaces the contents of its element, scales to the
// element's width, and carries a text alternative (role="img", aria-label)
// and a <title> per mark for a pointer's tooltip.
(function (global) {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const W = 640, H = 220, L = 56, R = 12, T = 12, B = 28;

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }

  function svg(host, label, height) {
    host.textContent = "";
    const s = el("svg", { viewBox: "0 0 " + W + " " + (height || H), role: "img", "aria-label": label,
      preserveAspectRatio: "xMidYMid meet", class: "chart" }, host);
    el("title", {}, s).textContent = label;
    return s;
  }

  // nice rounds max up to 1, 2 or 5 times a power of ten, for the axis.
  function nice(max) {
    if (!(max > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(max)));
    for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
    return 10 * p;
  }

  function axis(s, top, fmt, height) {
    const h = (height || H) - T - B;
    for (let i = 0; i <= 4; i++) {
      const y = T + h - (h * i) / 4;
      el("line", { x1: L, x2: W - R, y1: y, y2: y, class: "grid" }, s);
      el("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "tick" }, s).textContent = fmt((top * i) / 4);
    }
  }

  // short writes an axis value with no more digits than it needs.
  function short(v) {
    const a = Math.abs(v);
    return String(a >= 100 || a === 0 ? Math.round(v) : a >= 10 ? +v.toFixed(1) : +v.toFixed(2));
  }

  function xLabels(s, labels, x, height) {
    const every = Math.max(1, Math.ceil(labels.length / 5));
    labels.forEach((lab, i) => {
      const last = i === labels.length - 1;
      if (i % every && !last) return;
      if (!last && labels.length - 1 - i < every / 2) return; // would crowd the last
      el("text", { x: x(i), y: (height || H) - 8, "text-anchor": last && labels.length > 1 ? "end" : i === 0 ? "start" : "middle",
        class: "tick" }, s).textContent = lab;
    });
  }

  function legend(host, series) {
    if (series.length < 2) return;
    const p = document.createElement("p");
    p.className = "legend";
    for (const sr of series) {
      const k = document.createElement("span");
      k.className = "key";
      k.style.setProperty("--c", sr.color);
      k.textContent = sr.name;
      p.appendChild(k);
    }
    host.appendChild(p);
  }

  // bars draws stacked bars, one per label: series are [{name, values, color}].
  function bars(host, o) {
    const s = svg(host, o.label);
    const sums = o.labels.map((_, i) => o.series.reduce((a, sr) => a + (sr.values[i] || 0), 0));
    const top = nice(Math.max(0, ...sums));
    const fmt = o.format || String;
    axis(s, top, fmt);
    const h = H - T - B, n = o.labels.length || 1, slot = (W - L - R) / n;
    const x = (i) => L + slot * i + slot / 2;
    o.labels.forEach((lab, i) => {
      let y = T + h;
      for (const sr of o.series) {
        const v = sr.values[i] || 0;
        if (!v) continue;
        const bh = (h * v) / top;
        y -= bh;
        const r = el("rect", { x: L + slot * i + slot * 0.15, y, width: slot * 0.7, height: bh, fill: sr.color, class: "bar" }, s);
        el("title", {}, r).textContent = lab + ": " + sr.name + " " + fmt(v);
      }
    });
    xLabels(s, o.labels, x);
    legend(host, o.series);
  }

  // lines draws one line per series over the same labels; a null value is a
  // gap.
  function lines(host, o) {
    const s = svg(host, o.label);
    const all = o.series.flatMap((sr) => sr.values.filter((v) => v != null));
    const top = o.max || nice(Math.max(0, ...all));
    const fmt = o.format || String;
    axis(s, top, fmt);
    const h = H - T - B, n = Math.max(1, o.labels.length - 1);
    const x = (i) => L + ((W - L - R) * i) / n;
    const y = (v) => T + h - (h * Math.min(v, top)) / top;
    for (const sr of o.series) {
      let d = "", pen = "M";
      sr.values.forEach((v, i) => {
        if (v == null) { pen = "M"; return; }
        d += pen + x(i).toFixed(1) + " " + y(v).toFixed(1) + " ";
        pen = "L";
      });
      const p = el("path", { d, fill: "none", stroke: sr.color, "stroke-width": 2, class: "line" }, s);
      el("title", {}, p).textContent = sr.name;
    }
    xLabels(s, o.labels, x);
    legend(host, o.series);
  }

  // ranking draws horizontal bars: items are [{label, value}], largest first.
  function ranking(host, o) {
    const rowH = 26, height = T + rowH * Math.max(1, o.items.length) + 4;
    const s = svg(host, o.label, height);
    const top = Math.max(0, ...o.items.map((it) => it.value)) || 1;
    const fmt = o.format || String, left = 200;
    o.items.forEach((it, i) => {
      const yy = T + i * rowH;
      el("text", { x: left - 8, y: yy + 16, "text-anchor": "end", class: "tick name" }, s).textContent =
        it.label.length > 28 ? it.label.slice(0, 27) + "…" : it.label;
      const w = ((W - left - 90) * it.value) / top;
      const r = el("rect", { x: left, y: yy + 3, width: Math.max(1, w), height: rowH - 8, fill: o.color || "#0b6b3a", class: "bar" }, s);
      el("title", {}, r).textContent = it.label + ": " + fmt(it.value);
      el("text", { x: left + w + 6, y: yy + 16, class: "tick" }, s).textContent = fmt(it.value);
    });
  }

  global.MohallaChart = { bars, lines, ranking, nice, short };
})(window);
