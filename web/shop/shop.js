// The shop console: a shop owner's orders (live, newest first, moved on with
// one tap), inventory (live stock, inline edits), analytics and settings,
// through the same API and live queries any app would use.
"use strict";
const S = MohallaSession;
const $ = (id) => document.getElementById(id);
const rupees = (v) => "₹" + Number(v || 0).toLocaleString("en-IN", { maximumFractionDigits: 2 });
const when = (t) => new Date(t).toLocaleString("en-IN", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const WANT = "Sign in with a shop owner's token.";

// The moves the state machine allows from each status (market's rule).
const NEXT = {
  pending: ["confirmed", "cancelled"],
  confirmed: ["packed", "cancelled"],
  packed: ["out_for_delivery", "cancelled"],
  out_for_delivery: ["delivered"],
};
const MOVE_LABEL = { confirmed: "Confirm", packed: "Mark packed", out_for_delivery: "Out for delivery", delivered: "Mark delivered" };
const STATUS_LABEL = { pending: "New", confirmed: "Confirmed", packed: "Packed", out_for_delivery: "Out for delivery",
  delivered: "Delivered", cancelled: "Cancelled" };

let shop = null; // the shop shown
let me = null; // the token's claims
let live = null;
const orders = new Map(); // id → order
const fresh = new Set(); // orders that arrived while the page was open
let olderCursor = "";
const products = new Map(); // id → product
let notesCursor = "";

const say = S.say; // a problem in plain words, with what to do

function problem(p) { $("problem").textContent = p ? say(p, WANT) : ""; }

function node(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// --- signing in and choosing the shop ---

function showSignIn(message) {
  $("app").hidden = true;
  $("signin").hidden = false;
  if (message) $("problem").textContent = message;
  $("tokenInput").focus();
}

$("signinForm").addEventListener("submit", (e) => {
  e.preventDefault();
  S.signIn($("tokenInput").value);
  $("tokenInput").value = "";
  start();
});
$("signout").addEventListener("click", () => {
  S.signOut();
  if (live) live.close();
  showSignIn("Signed out.");
});

async function allShops() {
  const out = [];
  let cursor = "";
  do {
    const page = await S.api("/v1/shops?limit=500" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    out.push(...page.items);
    cursor = page.nextCursor || "";
  } while (cursor);
  return out;
}

async function start() {
  problem(null);
  if (!S.token()) return showSignIn();
  me = S.caller() || {};
  if (me.role && me.role !== "shop_owner" && me.role !== "admin") {
    return showSignIn("You are signed in as a " + me.role + ": the shop console is for shop owners. " + WANT);
  }
  let shops;
  try {
    shops = await allShops();
  } catch (p) {
    return showSignIn(say(p, WANT));
  }
  const mine = me.role === "admin" ? shops : shops.filter((s) => s.ownerId === me.id);
  if (!mine.length) return showSignIn("No shop belongs to " + (me.id || "this account") + ". " + WANT);
  $("signin").hidden = true;
  $("app").hidden = false;
  const sel = $("shop");
  sel.textContent = "";
  for (const s of mine) sel.append(node("option", { value: s.id, textContent: s.name }));
  const wanted = new URLSearchParams(location.search).get("shop");
  if (wanted && mine.some((s) => s.id === wanted)) sel.value = wanted;
  await openShop(mine.find((s) => s.id === sel.value));
  sel.onchange = () => openShop(mine.find((s) => s.id === sel.value));
}

async function openShop(s) {
  shop = s;
  $("shopTitle").textContent = "· " + s.name;
  orders.clear(); fresh.clear(); products.clear();
  $("testResult").textContent = "";
  if (live) live.close();
  try {
    await Promise.all([loadOrders(true), loadProducts()]);
  } catch (p) {
    problem(p);
  }
  follow();
  $("from").value = $("to").value = "";
  loadAnalytics();
  loadSettings();
}

// --- live updates ---

function follow() {
  const topics = ["shop:" + shop.id + ":orders", "shop:" + shop.id + ":products"];
  const state = $("live");
  live = new MohallaLive(topics, {
    token: () => S.token(),
    onStatus(st) {
      state.textContent = st === "open" ? "● live" : st === "reset" ? "● live (reloaded)" : "reconnecting…";
      state.className = "live" + (st === "open" || st === "reset" ? " open" : "");
      if (st === "reset") { loadOrders(true); loadProducts(); }
    },
    onError(p) { problem(p); state.textContent = "not live"; state.className = "live"; },
    onChange(topic, value, ev) {
      if (!ev) return; // the snapshot: the pages loaded their own, newest first
      if (topic.endsWith(":orders")) {
        const id = ev.data.orderId;
        const o = MohallaLive.reduce("order:" + id, orders.get(id), ev);
        if (!o) return;
        if (ev.name === "order/created" && !orders.has(id)) fresh.add(id);
        orders.set(id, o);
        renderOrders();
      } else {
        const id = ev.data.productId;
        const p = MohallaLive.reduce("product:" + id, products.get(id), ev);
        if (!p) return;
        if (p.deletedAt) products.delete(id); else products.set(id, p);
        renderInventory(id);
      }
    },
  });
}

// --- orders ---

async function loadOrders(first) {
  if (first) { orders.clear(); olderCursor = ""; }
  const q = new URLSearchParams({ shopId: shop.id, order: "newest", limit: "20" });
  if (olderCursor) q.set("cursor", olderCursor);
  const page = await S.api("/v1/orders?" + q);
  for (const o of page.items) if (!orders.has(o.id)) orders.set(o.id, o);
  olderCursor = page.nextCursor || "";
  $("older").hidden = !olderCursor;
  renderOrders();
}
$("older").addEventListener("click", () => loadOrders(false).catch(problem));
$("openOnly").addEventListener("change", renderOrders);

function renderOrders() {
  const list = $("orders");
  const openOnly = $("openOnly").checked;
  const all = [...orders.values()].sort((a, b) => (b.createdAt.localeCompare(a.createdAt)) || (b.id < a.id ? -1 : 1));
  const open = all.filter((o) => NEXT[o.status]);
  $("openCount").textContent = open.length ? String(open.length) : "";
  const shown = openOnly ? open : all;
  // Keep a card whose cancel form is open, so a live update does not throw
  // away a reason being typed, and keep the focus where it was.
  const form = list.querySelector(".order .reason");
  const editing = form ? form.closest(".order").dataset.id : "";
  const active = document.activeElement;
  const focused = active && active.closest && active.closest(".order") ? active.closest(".order").dataset.id : "";
  const kept = editing ? form.closest(".order") : null;
  list.textContent = "";
  for (const o of shown) list.append(o.id === editing ? kept : orderCard(o));
  $("noOrders").hidden = shown.length > 0;
  if (focused && focused === editing && kept.contains(active)) {
    active.focus();
  } else if (focused) {
    const again = list.querySelector('[data-id="' + CSS.escape(focused) + '"] button');
    if (again) again.focus();
  }
}

function orderCard(o) {
  const li = node("li", { className: "order" + (fresh.has(o.id) ? " new" : "") });
  li.dataset.id = o.id;
  li.dataset.status = o.status;
  const items = node("ul", {}, ...o.items.map((it) =>
    node("li", { textContent: it.quantity + " × " + (it.name || it.productId) + " · " + rupees(it.price * it.quantity) })));
  const a = o.deliveryAddress || {};
  li.append(
    node("header", {},
      node("strong", { textContent: "Order " + o.id.slice(-6) }),
      node("span", { className: "status " + o.status, textContent: STATUS_LABEL[o.status] || o.status }),
      node("span", { className: "total", textContent: rupees(o.totalAmount) })),
    node("div", { className: "when", textContent: when(o.createdAt) + " · customer " + o.userId }),
    items,
    node("div", { className: "addr", textContent: [a.street, a.city, a.pincode].filter(Boolean).join(", ") }));
  const actions = node("div", { className: "actions" });
  for (const to of NEXT[o.status] || []) {
    if (to === "cancelled") {
      actions.append(node("button", { type: "button", className: "danger", textContent: "Cancel…",
        onclick: () => askReason(li, o) }));
    } else {
      actions.append(node("button", { type: "button", className: "primary", textContent: MOVE_LABEL[to],
        onclick: () => move(li, o, to) }));
    }
  }
  if (actions.children.length) li.append(actions);
  li.append(node("p", { className: "err", role: "alert" }));
  return li;
}

function askReason(li, o) {
  const actions = li.querySelector(".actions");
  const input = node("input", { type: "text", maxLength: 200, id: "reason-" + o.id, placeholder: "such as: out of stock" });
  const form = node("form", { className: "reason row" },
    node("label", { htmlFor: input.id, textContent: "Why cancel?" }), input,
    node("button", { type: "submit", className: "danger", textContent: "Cancel order" }),
    node("button", { type: "button", textContent: "Keep it", onclick: () => { form.remove(); actions.hidden = false; renderOrders(); } }));
  form.addEventListener("submit", (e) => { e.preventDefault(); move(li, o, "cancelled", input.value.trim()); });
  actions.hidden = true;
  actions.after(form);
  input.focus();
}

async function move(li, o, to, reason) {
  const err = li.querySelector(".err");
  err.textContent = "";
  for (const b of li.querySelectorAll("button")) b.disabled = true;
  try {
    const body = { status: to, shopId: shop.id };
    if (reason) body.reason = reason;
    const updated = await S.api("/v1/orders/" + encodeURIComponent(o.id) + "/status", { method: "POST", body });
    const form = li.querySelector(".reason");
    if (form) form.remove();
    fresh.delete(o.id);
    const cur = orders.get(o.id);
    if (!cur || !cur.version || updated.version >= cur.version) orders.set(o.id, updated);
    renderOrders();
  } catch (p) {
    err.textContent = say(p, WANT);
    for (const b of li.querySelectorAll("button")) b.disabled = false;
  }
}

// --- inventory ---

async function loadProducts() {
  products.clear();
  let cursor = "";
  do {
    const q = new URLSearchParams({ shopId: shop.id, limit: "500" });
    if (cursor) q.set("cursor", cursor);
    const page = await S.api("/v1/products?" + q);
    for (const p of page.items) products.set(p.id, p);
    cursor = page.nextCursor || "";
  } while (cursor);
  renderInventory();
}

function stockState(p) {
  if (p.stock <= 0) return "out";
  if (p.lowStockThreshold > 0 && p.stock <= p.lowStockThreshold) return "low";
  return "";
}

$("find").addEventListener("input", () => renderInventory());
$("lowOnly").addEventListener("change", () => renderInventory());

// renderInventory draws the table; changed, when given, is the product a
// live update changed, whose row flashes.
function renderInventory(changed) {
  const body = document.querySelector("#inventory tbody");
  const find = $("find").value.trim().toLowerCase();
  const lowOnly = $("lowOnly").checked;
  const all = [...products.values()].sort((a, b) => a.name.localeCompare(b.name));
  let low = 0, out = 0;
  for (const p of all) { const s = stockState(p); if (s === "low") low++; if (s === "out") out++; }
  $("lowCount").textContent = low + out ? String(low + out) : "";
  $("stockSummary").textContent = all.length + " products · " + low + " low · " + out + " out of stock";
  // A live update must not redraw the input being typed in.
  const active = document.activeElement && body.contains(document.activeElement) ? document.activeElement : null;
  if (active && changed && active.closest("tr").dataset.id !== changed) {
    const row = body.querySelector('tr[data-id="' + CSS.escape(changed) + '"]');
    if (row) row.replaceWith(productRow(products.get(changed), true));
    return;
  }
  body.textContent = "";
  for (const p of all) {
    const st = stockState(p);
    if (lowOnly && !st) continue;
    if (find && !(p.name.toLowerCase().includes(find) || p.category.includes(find))) continue;
    body.append(productRow(p, p.id === changed));
  }
}

function productRow(p, flash) {
  const st = stockState(p);
  const tr = node("tr", { className: [st, flash ? "flash" : ""].filter(Boolean).join(" ") });
  tr.dataset.id = p.id;
  const stock = node("input", { type: "number", min: 0, step: 1, value: p.stock, inputMode: "numeric" });
  stock.setAttribute("aria-label", "Stock of " + p.name);
  const price = node("input", { type: "number", min: 0, step: "0.01", value: p.price, inputMode: "decimal" });
  price.setAttribute("aria-label", "Price of " + p.name + " in rupees");
  const err = node("span", { className: "cellerr", role: "alert" });
  stock.addEventListener("change", () => edit(p.id, err, () => {
    const delta = Math.round(Number(stock.value)) - products.get(p.id).stock;
    return delta ? S.api("/v1/products/" + encodeURIComponent(p.id) + "/stock", { method: "POST", body: { delta } }) : null;
  }));
  price.addEventListener("change", () => edit(p.id, err, () =>
    S.api("/v1/products/" + encodeURIComponent(p.id), { method: "PATCH", body: { price: Number(price.value) } })));
  tr.append(
    node("th", { scope: "row" }, p.name, " ", node("span", { className: "unit", textContent: [p.unit, p.category].filter(Boolean).join(" · ") })),
    node("td", {}, stock), node("td", {}, price, err),
    node("td", { className: "state " + st, textContent: st === "out" ? "Out of stock" : st === "low" ? "Low (≤ " + p.lowStockThreshold + ")" : "In stock" }));
  return tr;
}

async function edit(id, err, call) {
  err.textContent = "";
  try {
    const p = await call();
    if (p) {
      const cur = products.get(id);
      if (!cur || p.version >= cur.version) products.set(id, p);
    }
    document.activeElement && document.activeElement.blur();
    renderInventory(id);
  } catch (p) {
    err.textContent = say(p, WANT);
  }
}

// --- analytics ---

// The first range is the server's default (the last 30 days, in the
// analytics time zone, which need not be the browser's); the inputs then
// show it.
$("range").addEventListener("submit", (e) => { e.preventDefault(); loadAnalytics(); });

async function loadAnalytics() {
  const q = new URLSearchParams();
  if ($("from").value) q.set("from", $("from").value);
  if ($("to").value) q.set("to", $("to").value);
  try {
    const r = await S.api("/v1/analytics/shops/" + encodeURIComponent(shop.id) + "?" + q);
    $("from").value = r.from;
    $("to").value = r.to;
    const t = r.totals;
    const dl = $("totals");
    dl.textContent = "";
    for (const [k, v] of [["Revenue", rupees(t.revenue)], ["Orders", t.orders], ["Cancelled", t.cancelledOrders],
      ["Average order", rupees(t.averageOrderValue)]]) {
      dl.append(node("div", {}, node("dt", { textContent: k }), node("dd", { textContent: String(v) })));
    }
    const labels = r.days.map((d) => d.day.slice(5));
    MohallaChart.bars($("revenueChart"), { label: "Revenue per day from " + r.from + " to " + r.to + ", total " + rupees(t.revenue),
      labels, format: (v) => "₹" + Math.round(v), series: [{ name: "revenue", color: "#0b6b3a", values: r.days.map((d) => d.revenue) }] });
    MohallaChart.bars($("ordersChart"), { label: "Orders per day from " + r.from + " to " + r.to + ", " + t.orders + " in all",
      labels, format: MohallaChart.short, series: [
        { name: "kept", color: "#1a56db", values: r.days.map((d) => d.orders - d.cancelledOrders) },
        { name: "cancelled", color: "#b00020", values: r.days.map((d) => d.cancelledOrders) }] });
    // The ranking ends today: the last as many days as the range has.
    const days = Math.min(90, Math.max(1, Math.round((new Date(r.to) - new Date(r.from)) / 86400000) + 1));
    const top = await S.api("/v1/analytics/top-products?" + new URLSearchParams({ shopId: shop.id, days: String(days) }));
    $("topCaption").textContent = "Top products by revenue, the last " + top.days + " days";
    if (!top.items.length) {
      $("topChart").textContent = "No sales in these days yet.";
    } else {
      MohallaChart.ranking($("topChart"), { label: "Top products by revenue, the last " + top.days + " days",
        format: (v) => "₹" + Math.round(v), items: top.items.map((it) => ({ label: it.name, value: it.sales.revenue })) });
    }
  } catch (p) {
    problem(p);
  }
}

// --- settings ---

async function loadSettings() {
  try {
    const h = await S.api("/v1/shops/" + encodeURIComponent(shop.id) + "/webhook");
    $("hookUrl").value = h.url;
    $("hookState").textContent = "Registered " + when(h.updatedAt) + ". The secret is kept on the server; enter it again to change the URL.";
    $("testHook").disabled = false;
  } catch (p) {
    if (p.status !== 404) problem(p);
    $("hookUrl").value = "";
    $("hookState").textContent = "No webhook registered yet.";
    $("testHook").disabled = true;
  }
  reloadNotes();
}

$("webhook").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("testResult");
  try {
    await S.api("/v1/shops/" + encodeURIComponent(shop.id) + "/webhook", { method: "PUT",
      body: { url: $("hookUrl").value.trim(), secret: $("hookSecret").value } });
    $("hookSecret").value = "";
    out.className = "ok";
    out.textContent = "Saved.";
    await loadSettings();
  } catch (p) {
    out.className = "bad";
    out.textContent = say(p, WANT);
  }
});

$("testHook").addEventListener("click", async () => {
  const out = $("testResult");
  out.className = "";
  out.textContent = "Sending…";
  try {
    const d = await S.api("/v1/shops/" + encodeURIComponent(shop.id) + "/webhook/test", { method: "POST" });
    if (d.error) {
      out.className = "bad";
      out.textContent = "The test failed: " + d.error + (d.statusCode ? "" : " (no answer)") + ".";
    } else {
      out.className = "ok";
      out.textContent = "Delivered: your endpoint answered " + d.statusCode + " in " + d.durationMs + " ms.";
    }
    reloadNotes();
  } catch (p) {
    out.className = "bad";
    out.textContent = say(p, WANT);
  }
});

// notesGen counts reloads, so an answer to an older one adds nothing.
let notesGen = 0;
function reloadNotes() {
  notesGen++;
  notesCursor = "";
  $("notes").textContent = "";
  loadNotes();
}

async function loadNotes() {
  const gen = notesGen;
  const q = new URLSearchParams({ userId: shop.ownerId, limit: "10" });
  if (notesCursor) q.set("cursor", notesCursor);
  try {
    const page = await S.api("/v1/notifications?" + q);
    if (gen !== notesGen) return;
    for (const n of page.items) {
      $("notes").append(node("li", {}, node("strong", { textContent: n.subject || n.template }), " ",
        node("span", { className: "when", textContent: when(n.createdAt) + " · " + n.channel + " · " + n.status +
          (n.providerResponse ? " (" + n.providerResponse + ")" : "") })));
    }
    if (!$("notes").children.length) $("notes").append(node("li", { className: "empty", textContent: "No notifications yet." }));
    notesCursor = page.nextCursor || "";
    $("moreNotes").hidden = !notesCursor;
  } catch (p) {
    problem(p);
  }
}
$("moreNotes").addEventListener("click", loadNotes);

// --- tabs ---

const tabs = [...document.querySelectorAll("[role=tab]")];
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
}
tabs.forEach((t, i) => {
  t.addEventListener("click", () => select(t));
  t.addEventListener("keydown", (e) => {
    const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!d) return;
    const next = tabs[(i + d + tabs.length) % tabs.length];
    select(next);
    next.focus();
  });
});

start();
