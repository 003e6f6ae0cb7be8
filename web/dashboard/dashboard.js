// The script of dashboard's page, served as a file of its own so the page's
// Content-Security-Policy allows no inline script.
"use strict";
const $ = (id) => document.getElementById(id);
$("token").value = new URLSearchParams(location.search).get("token") || "";
history.replaceState(null, "", location.pathname); // keep the token out of the history and bookmarks
let selected = ""; // the run whose steps are shown

function problem(p) {
  $("problem").textContent = p ? (p.status ? p.status + ": " : "") + (p.detail || p.title || "failed") : "";
}

async function api(path, method) {
  const r = await fetch(path, { method: method || "GET", headers: { Authorization: "Bearer " + $("token").value.trim() } });
  const body = await r.json().catch(() => ({ status: r.status, detail: r.statusText }));
  if (!r.ok) throw body;
  return body;
}

// rows replaces the rows of table id with one per item, cells made by cells.
function rows(id, items, cells, decorate) {
  const body = document.querySelector("#" + id + " tbody");
  body.textContent = "";
  for (const item of items) {
    const tr = document.createElement("tr");
    for (const c of cells(item)) {
      const td = document.createElement("td");
      if (c && typeof c === "object") { td.textContent = c.text; td.className = c.cls || ""; } else td.textContent = c ?? "";
      tr.appendChild(td);
    }
    if (decorate) decorate(tr, item);
    body.appendChild(tr);
  }
}

const when = (t) => t ? new Date(t).toLocaleString() : "";
const took = (a, b) => a && b ? ((new Date(b) - new Date(a)) / 1000).toFixed(3) + " s" : "";
const short = (v) => v == null ? "" : JSON.stringify(v).slice(0, 200);

async function refresh() {
  try {
    const sync = await api("/v1/sync/status");
    rows("lags", sync.lags, (l) => [l.follower, l.position, l.behind]);
    rows("checks", sync.checks, (c) => [when(c.startedAt), c.durationMs + " ms",
      c.drift ? { text: short(c.findings), cls: "failed" } : { text: "no drift", cls: "completed" }, short(c.repaired)]);
    const alerts = await api("/v1/alerts?limit=20");
    rows("alerts", alerts.items, (a) => [when(a.at), a.kind, a.subject,
      { text: a.state, cls: a.state === "firing" ? "failed" : "completed" }, a.summary, a.messageId ? "sent" : "held back"]);
    const q = new URLSearchParams({ limit: "50" });
    if ($("function").value) q.set("function", $("function").value);
    if ($("status").value) q.set("status", $("status").value);
    const runs = await api("/v1/runs?" + q);
    rows("runs", runs.items, (r) => [when(r.createdAt), r.functionId, { text: r.status, cls: r.status }, r.attempts,
      took(r.startedAt, r.endedAt), r.error], (tr, r) => {
      tr.className = "run" + (r.id === selected ? " selected" : "");
      tr.id = "run-" + r.id;
      tr.addEventListener("click", () => { selected = r.id; showRun(); });
    });
    if (selected) await showRun();
    const eq = new URLSearchParams({ order: "newest", limit: "30" });
    if ($("eventName").value.trim()) eq.set("name", $("eventName").value.trim());
    const evs = await api("/v1/events?" + eq);
    rows("events", evs.items, (ev) => [ev.pos, when(ev.ts), ev.name, short(ev.data)]);
    const m = await fetch("/metrics").then((r) => r.text());
    $("metrics").textContent = m.split("\n").filter((l) => l.startsWith("mohalla_")).join("\n");
    problem(null);
  } catch (p) {
    problem(p);
  }
}

async function showRun() {
  const run = await api("/v1/runs/" + encodeURIComponent(selected));
  $("run").hidden = false;
  $("runId").textContent = run.id + " (" + run.functionId + ", " + run.status + ")";
  rows("steps", run.steps, (s) => [s.id, s.kind, { text: s.status, cls: s.status }, s.attempts, s.error || short(s.output)]);
  $("input").textContent = JSON.stringify({ event: run.eventId, input: run.input, key: run.idempotencyKey }, null, 2);
}

async function loadFunctions() {
  const fns = await api("/v1/functions");
  rows("functions", fns.items, (f) => [f.id, f.event ? "event " + f.event : "cron " + f.cron, f.retries,
    f.concurrency ? JSON.stringify(f.concurrency) : ""]);
  for (const f of fns.items) {
    const o = document.createElement("option");
    o.textContent = f.id;
    $("function").appendChild(o);
  }
}

async function act(path, method) {
  try { return await api(path, method); } catch (p) { problem(p); return null; }
}

$("check").addEventListener("click", async () => { await act("/v1/sync/check", "POST"); refresh(); });
$("rerun").addEventListener("click", async () => {
  const r = await act("/v1/runs/" + encodeURIComponent(selected) + "/rerun", "POST");
  if (r) { selected = r.runId; refresh(); }
});
$("cancel").addEventListener("click", async () => { await act("/v1/runs/" + encodeURIComponent(selected) + "/cancel", "POST"); refresh(); });
$("function").addEventListener("change", refresh);
$("eventName").addEventListener("change", refresh);
$("status").addEventListener("change", refresh);
loadFunctions().catch(problem).then(refresh);
setInterval(() => { if ($("auto").checked) refresh(); }, 2000);
