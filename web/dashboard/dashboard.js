// The operators' dashboard: the node's last hour as charts, the sync checks
// and alerts in words, functions and their runs paged and filtered, a run's
// steps as a timeline, the event log and the audit trail. Read through the
// same API an admin's tools use, with the token kept in sessionStorage.
"use strict";
const S = MohallaSession;
const $ = (id) => document.getElementById(id);
const WANT = "Sign in with an admin's token (mohalla token --sub you --role admin).";
const when = (t) => t ? new Date(t).toLocaleString("en-IN", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
const took = (a, b) => a && b ? fmtMs(new Date(b) - new Date(a)) : "";
const fmtMs = (ms) => ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
const COLORS = ["#0b6b3a", "#1a56db", "#b00020", "#8a4b00", "#6b2fb3", "#00707a", "#555"];
const OUTCOME_COLOR = { completed: "#0b6b3a", failed: "#b00020", retrying: "#8a4b00", cancelled: "#555" };

const say = S.say; // a problem in plain words, with what to do

function node(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// The problem banner speaks plainly: what happened and what to do.
function problem(p) {
  if (p && (p.status === 401 || p.status === 403)) {
    const c = S.caller();
    const as = c && c.role ? " You are signed in as " + (c.id || "?") + ", a " + c.role + "." : "";
    $("problem").textContent = (p.status === 401 ? "Your sign-in is not valid or has expired." :
      "This page is for operators: your token may not read it." + as) + " " + WANT;
    return;
  }
  $("problem").textContent = p ? say(p, WANT) : "";
}

// tree shows JSON as a collapsible tree: objects and arrays fold, the first
// level open.
function tree(v, label, depth) {
  depth = depth || 0;
  if (v !== null && typeof v === "object" && Object.keys(v).length) {
    const isArr = Array.isArray(v);
    const d = node("details", { open: depth < 1, className: "json" },
      node("summary", { textContent: (label ? label + ": " : "") + (isArr ? "[" + v.length + " items]" : "{" + Object.keys(v).length + " fields}") }));
    const ul = node("ul");
    for (const [k, x] of Object.entries(v)) if (x !== undefined) ul.append(node("li", {}, tree(x, isArr ? "#" + k : k, depth + 1)));
    d.append(ul);
    return d;
  }
  return node("span", { className: "leaf", textContent: (label ? label + ": " : "") + JSON.stringify(v) });
}

// brief shows a small value as one line of JSON and a larger one as a tree.
function brief(v) {
  const text = v == null ? "" : JSON.stringify(v);
  return text.length <= 120 ? text : tree(v, "", 1);
}

// --- signing in ---

function showSignIn(message) {
  $("app").hidden = true;
  $("signin").hidden = false;
  $("problem").textContent = message || "";
  $("tokenInput").focus();
}
$("signinForm").addEventListener("submit", (e) => {
  e.preventDefault();
  S.signIn($("tokenInput").value);
  $("tokenInput").value = "";
  start();
});
$("signout").addEventListener("click", () => { S.signOut(); $("token").value = ""; showSignIn("Signed out."); });

async function start() {
  if (!S.token()) return showSignIn();
  $("token").value = S.token(); // for sections that read it (the history); hidden, never shown
  const c = S.caller();
  $("who").textContent = c ? "Signed in as " + c.id + " (" + c.role + ")" : "Signed in with an API key";
  try {
    await S.api("/v1/runs/counts"); // operators only: says at once whether this token may read the page
    await loadFunctions();
  } catch (p) {
    if (p.status === 401 || p.status === 403) { showSignIn(); problem(p); return; }
    problem(p);
  }
  $("signin").hidden = true;
  $("app").hidden = false;
  refresh();
}

// --- charts of the node's last hour ---

async function loadCharts() {
  const h = await S.api("/v1/metrics/history");
  const ss = h.samples;
  $("chartsNote").textContent = ss.length < 2 ?
    "Samples arrive every " + h.everySeconds + " s since the node started; the charts fill in as they do." :
    ss.length + " samples, every " + h.everySeconds + " s, from " + when(ss[0].at) + ".";
  // Seconds on the axis while the history spans minutes only.
  const brief = ss.length > 1 && new Date(ss[ss.length - 1].at) - new Date(ss[0].at) < 10 * 60000;
  const labels = ss.map((s) => new Date(s.at).toLocaleTimeString("en-IN",
    brief ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { hour: "2-digit", minute: "2-digit" }));
  const keys = (f) => [...new Set(ss.flatMap((s) => Object.keys(f(s) || {})))].sort();
  const series = (f, names, color) => names.map((k, i) => ({ name: k, color: color(k, i), values: ss.map((s) => (f(s) || {})[k] ?? 0) }));
  const outcomes = keys((s) => s.runsPerSecond);
  MohallaChart.lines($("runsChart"), { label: "Function runs per second by outcome over the last hour", labels,
    format: MohallaChart.short, series: outcomes.length ? series((s) => s.runsPerSecond, outcomes,
      (k, i) => OUTCOME_COLOR[k] || COLORS[i % COLORS.length]) : [{ name: "none", color: "#999", values: ss.map(() => 0) }] });
  const followers = keys((s) => s.followerLag);
  MohallaChart.lines($("lagChart"), { label: "Events each follower trails the log by", labels, format: MohallaChart.short,
    series: series((s) => s.followerLag, followers, (k, i) => COLORS[i % COLORS.length]) });
  MohallaChart.lines($("cacheChart"), { label: "Share of cached reads the cache answered", labels, max: 100,
    format: (v) => Math.round(v) + "%", series: [{ name: "hit rate", color: "#1a56db",
      values: ss.map((s) => s.cacheHitRate == null ? null : 100 * s.cacheHitRate) }] });
  // The busiest routes of the hour, by requests.
  const total = new Map();
  for (const s of ss) for (const r of s.routes) total.set(r.route, (total.get(r.route) || 0) + r.perSecond);
  const busiest = [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([r]) => r);
  const byRoute = (field, routes) => routes.map((route, i) => ({ name: route, color: COLORS[busiest.indexOf(route) % COLORS.length],
    values: ss.map((s) => { const r = s.routes.find((x) => x.route === route); return r ? r[field] : (field === "perSecond" ? 0 : null); }) }));
  MohallaChart.lines($("rateChart"), { label: "Requests per second of the five busiest routes", labels,
    format: MohallaChart.short, series: byRoute("perSecond", busiest) });
  MohallaChart.lines($("p99Chart"), { label: "99th percentile latency of the five busiest routes, in milliseconds", labels,
    format: MohallaChart.short, series: byRoute("p99Ms", busiest.filter((r) => r !== "GET /v1/live")) });
}

// --- sync and alerts, in words ---

const plural = (n, one, many) => n + " " + (n === 1 ? one : many || one + "s");
function findingsText(f) {
  f = f || {};
  const parts = [];
  const n = (k) => (f[k] || []).length;
  if (n("missingDocs")) parts.push(plural(n("missingDocs"), "product") + " missing from the search index");
  if (n("staleDocs")) parts.push(plural(n("staleDocs"), "search document") + " older than the store");
  if (n("extraDocs")) parts.push(plural(n("extraDocs"), "search document") + " of products gone or discontinued");
  if (n("staleCache")) parts.push(plural(n("staleCache"), "cache entry", "cache entries") + " older than the store");
  if (n("lagging")) parts.push("followers behind: " + f.lagging.join(", "));
  if (n("failedRuns")) parts.push(plural(n("failedRuns"), "run") + " failed in the last 15 minutes");
  if (n("stuckRuns")) parts.push(plural(n("stuckRuns"), "run") + " stuck running");
  for (const [part, err] of Object.entries(f.errors || {})) parts.push("could not check " + part + ": " + err);
  return parts.join("; ");
}
function repairedText(r) {
  r = r || {};
  const parts = [];
  if ((r.reindexed || []).length) parts.push("reindexed " + plural(r.reindexed.length, "product"));
  if ((r.evicted || []).length) parts.push("evicted " + plural(r.evicted.length, "cache entry", "cache entries"));
  return parts.join(" and ");
}

async function loadSync() {
  const s = await S.api("/v1/sync/status");
  $("lags").textContent = s.lags.length ? "Followers: " + s.lags.map((l) => l.follower + " " +
    (l.behind ? plural(l.behind, "event") + " behind" : "up to date")).join(" · ") : "";
  const list = $("checks");
  list.textContent = "";
  for (const c of s.checks.slice(0, 8)) {
    const found = c.drift ? findingsText(c.findings) : "";
    const fixed = repairedText(c.repaired);
    list.append(node("li", { className: c.drift ? "failed" : "completed" },
      node("span", { className: "when", textContent: when(c.startedAt) + " · " + c.durationMs + " ms · " }),
      c.drift ? "Found " + (found || "drift") + "." + (fixed ? " Repaired: " + fixed + "." : " Nothing to repair by itself.") : "No drift."));
  }
  if (!s.checks.length) list.append(node("li", { className: "hint", textContent: "No checks yet." }));
}

async function loadAlerts() {
  const a = await S.api("/v1/alerts?limit=10");
  const list = $("alerts");
  list.textContent = "";
  for (const x of a.items) {
    list.append(node("li", {}, node("strong", { className: x.state === "firing" ? "failed" : "completed", textContent: x.state === "firing" ? "Firing" : "Resolved" }),
      " " + x.summary + " ", node("span", { className: "when", textContent: when(x.at) + " · " + x.kind + " · " + x.subject +
        (x.messageId ? " · operators told" : " · not told yet") })));
  }
  if (!a.items.length) list.append(node("li", { className: "hint", textContent: "No alerts." }));
}

// --- functions and runs ---

let functions = [];
async function loadFunctions() {
  const fns = await S.api("/v1/functions");
  functions = fns.items;
  const sel = $("function");
  if (sel.options.length === 1) for (const f of functions) sel.append(node("option", { textContent: f.id }));
}

async function loadCounts() {
  const counts = (await S.api("/v1/runs/counts")).items;
  const body = document.querySelector("#functions tbody");
  body.textContent = "";
  for (const f of functions) {
    const mine = counts.filter((c) => c.function === f.id);
    const chips = node("span", { className: "chips" }, ...mine.map((c) => node("span", { className: "chip " + c.status, textContent: c.count + " " + c.status })));
    if (!mine.length) chips.append(node("span", { className: "hint", textContent: "no runs" }));
    const tr = node("tr", { className: f.id === $("function").value ? "selected" : "" },
      node("th", { scope: "row" }, node("button", { type: "button", className: "link", textContent: f.id,
        onclick: () => { $("function").value = f.id; $("status").value = ""; resetRuns(); } })),
      node("td", { className: "wide", textContent: f.event ? "on " + f.event : "cron " + f.cron }), node("td", {}, chips));
    tr.dataset.fn = f.id;
    body.append(tr);
  }
}

// Runs page by cursor: cursors[i] is the cursor of page i (page 0 has none).
let cursors = [""], pageIndex = 0, nextCursor = "", selected = "";
function resetRuns() { cursors = [""]; pageIndex = 0; loadRuns().catch(problem); loadCounts().catch(problem); }
$("filters").addEventListener("submit", (e) => { e.preventDefault(); resetRuns(); });
$("function").addEventListener("change", resetRuns);
$("status").addEventListener("change", resetRuns);
$("next").addEventListener("click", () => { cursors[pageIndex + 1] = nextCursor; pageIndex++; loadRuns().catch(problem); });
$("prev").addEventListener("click", () => { pageIndex = Math.max(0, pageIndex - 1); loadRuns().catch(problem); });

async function loadRuns() {
  const q = new URLSearchParams({ limit: "20" });
  if ($("function").value) q.set("function", $("function").value);
  if ($("status").value) q.set("status", $("status").value);
  if ($("eventId").value.trim()) q.set("event", $("eventId").value.trim());
  if (cursors[pageIndex]) q.set("cursor", cursors[pageIndex]);
  const runs = await S.api("/v1/runs?" + q);
  nextCursor = runs.nextCursor || "";
  const body = document.querySelector("#runs tbody");
  body.textContent = "";
  for (const r of runs.items) {
    const tr = node("tr", { className: r.id === selected ? "selected" : "", tabIndex: 0 },
      node("td", { textContent: when(r.createdAt) }), node("td", { textContent: r.functionId }),
      node("td", { className: r.status, textContent: r.status }), node("td", { className: "wide", textContent: r.attempts }),
      node("td", { textContent: took(r.startedAt, r.endedAt) }), node("td", { className: "wide", textContent: r.error || r.reason || "" }));
    tr.dataset.id = r.id;
    const open = () => { selected = r.id; showRun().catch(problem); for (const x of body.children) x.classList.toggle("selected", x === tr); };
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    body.append(tr);
  }
  if (!runs.items.length) body.append(node("tr", {}, node("td", { colSpan: 6, className: "hint", textContent: "No runs match." })));
  $("pageNo").textContent = "Page " + (pageIndex + 1);
  $("prev").disabled = pageIndex === 0;
  $("next").disabled = !nextCursor;
}

async function showRun() {
  const run = await S.api("/v1/runs/" + encodeURIComponent(selected));
  $("run").hidden = false;
  $("runId").textContent = run.functionId + " · " + run.status + " · " + run.id;
  $("cancel").disabled = ["completed", "failed", "cancelled", "skipped"].includes(run.status);
  // The timeline: each step's span from the run's start.
  const t0 = new Date(run.startedAt || run.createdAt).getTime();
  const ends = run.steps.map((s) => s.endedAt ? new Date(s.endedAt).getTime() : new Date(s.startedAt).getTime() + (s.durationMs || 0));
  const end = Math.max(t0 + 1, run.endedAt ? new Date(run.endedAt).getTime() : 0, ...ends);
  const tl = $("timeline");
  tl.textContent = "";
  tl.setAttribute("role", "img");
  tl.setAttribute("aria-label", "Timeline of " + run.steps.length + " steps over " + fmtMs(end - t0));
  run.steps.forEach((s, i) => {
    const a = new Date(s.startedAt).getTime() - t0;
    const span = node("span", { className: "span " + s.status, title: s.id + ": " + fmtMs(s.durationMs) });
    span.style.left = (100 * Math.max(0, a)) / (end - t0) + "%";
    span.style.width = (100 * Math.max(0, ends[i] - t0 - a)) / (end - t0) + "%";
    tl.append(node("div", { className: "step" }, node("span", { textContent: s.id + " · " + fmtMs(s.durationMs) }),
      node("div", { className: "track" }, span)));
  });
  const steps = $("steps");
  steps.textContent = "";
  for (const s of run.steps) {
    const li = node("li", {}, node("strong", { textContent: s.id }), " " + s.kind + " · ",
      node("span", { className: s.status, textContent: s.status }), " · " + plural(s.attempts, "attempt") + (s.error ? " · " + s.error : ""));
    if (s.output !== undefined) li.append(tree(s.output, "output", 1));
    steps.append(li);
  }
  if (!run.steps.length) steps.append(node("li", { className: "hint", textContent: "No steps recorded." }));
  const j = $("runJson");
  j.textContent = "";
  j.append(tree({ event: run.eventId, idempotencyKey: run.idempotencyKey, input: run.input, output: run.output, error: run.error, reason: run.reason }, "the run's trigger and result", 0));
}

async function act(path) {
  try { return await S.api(path, { method: "POST" }); } catch (p) { problem(p); return null; }
}
$("rerun").addEventListener("click", async () => {
  const r = await act("/v1/runs/" + encodeURIComponent(selected) + "/rerun");
  if (r) { selected = r.runId; cursors = [""]; pageIndex = 0; await loadRuns().catch(problem); showRun().catch(problem); }
});
$("cancel").addEventListener("click", async () => {
  if (await act("/v1/runs/" + encodeURIComponent(selected) + "/cancel")) { loadRuns().catch(problem); showRun().catch(problem); }
});
$("check").addEventListener("click", async () => { if (await act("/v1/sync/check")) loadSync().catch(problem); });

// --- events and the audit trail ---

let eventsBefore = "";
async function loadEvents(more) {
  const q = new URLSearchParams({ order: "newest", limit: "15" });
  if ($("eventName").value.trim()) q.set("name", $("eventName").value.trim());
  if (more && eventsBefore) q.set("before", eventsBefore);
  const evs = await S.api("/v1/events?" + q);
  const list = $("events");
  if (!more) list.textContent = "";
  for (const ev of evs.items) {
    list.append(node("li", {}, node("strong", { textContent: ev.name }), " ",
      node("span", { className: "when", textContent: when(ev.ts) + " · position " + ev.pos }), tree(ev.data, "data", 1)));
  }
  eventsBefore = evs.nextCursor || "";
  $("moreEvents").hidden = !eventsBefore;
}
$("eventFilter").addEventListener("submit", (e) => { e.preventDefault(); loadEvents(false).catch(problem); });
$("moreEvents").addEventListener("click", () => loadEvents(true).catch(problem));

async function loadAudit() {
  const list = $("audit");
  try {
    const a = await S.api("/v1/audit?limit=10");
    list.textContent = "";
    for (const x of a.items || []) {
      const actor = x.actor ? x.actor.id + " (" + x.actor.role + ")" : "";
      list.append(node("li", {}, node("strong", { textContent: x.action }), " " + (x.entity || "") + " " + (x.entityId || "") + " ",
        node("span", { className: "when", textContent: when(x.at) + " · by " + actor })));
    }
    if (!list.children.length) list.append(node("li", { className: "hint", textContent: "No changes recorded yet." }));
  } catch (p) {
    list.textContent = "";
    list.append(node("li", { className: "hint", textContent: p.status === 404 ?
      "This node does not serve the audit trail (GET /v1/audit) yet." : say(p, WANT) }));
  }
}

// The history of one entity, GET /v1/{orders|products|shops}/{id}/history.
$("historyShow").addEventListener("click", async () => {
  const body = document.querySelector("#history tbody");
  $("historyProblem").textContent = "";
  body.textContent = "";
  const id = $("historyId").value.trim();
  if (!id) return;
  try {
    const page = await S.api("/v1/" + $("historyKind").value + "/" + encodeURIComponent(id) + "/history?limit=500");
    for (const a of page.items) {
      const who = a.actor.id + " (" + a.actor.role + (a.actor.keyId ? ", key " + a.actor.keyId : "") + ")";
      body.append(node("tr", {}, node("td", { textContent: when(a.at) }), node("td", { textContent: who }), node("td", { textContent: a.action }),
        node("td", {}, brief(a.before)), node("td", {}, brief(a.after)),
        node("td", { className: "wide", textContent: a.requestId ? a.requestId + (a.clientIp ? " from " + a.clientIp : "") : "" })));
    }
  } catch (p) {
    $("historyProblem").textContent = p.status === 404 ? "404: " + (p.detail || "not found") : say(p, WANT);
  }
});

// --- refreshing ---

async function refresh() {
  const parts = [loadCharts(), loadSync(), loadAlerts(), loadCounts(), loadRuns(), loadAudit(), readiness()];
  if (!eventsBefore || $("events").children.length <= 15) parts.push(loadEvents(false));
  if (selected) parts.push(showRun());
  const results = await Promise.allSettled(parts);
  const failed = results.find((r) => r.status === "rejected");
  if (failed && (failed.reason.status === 401 || failed.reason.status === 403)) showSignIn(); // such as an expired token
  problem(failed ? failed.reason : null);
}

async function readiness() {
  const r = await fetch("/readyz").then((x) => x.json()).catch(() => null);
  const h = $("health");
  h.textContent = r ? "node " + r.status : "node unreachable";
  h.className = "pill " + (r && r.status === "ok" ? "ok" : "bad");
}

setInterval(() => { if ($("auto").checked && !$("app").hidden && !document.hidden) refresh(); }, 5000);
start();
