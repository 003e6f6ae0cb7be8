// The storefront: browse the neighbourhood's products without typing
// (categories, a place), each product once with its shops nearest and
// cheapest first; a cart per shop; checkout places one order per shop; My
// orders lists the customer's orders from the API and follows them live.
"use strict";
const $ = (id) => document.getElementById(id);
const S = MohallaSession;
const rupees = (n) => "₹" + Number(n).toFixed(2).replace(/\.00$/, "");
const distance = (d) => d == null ? "" : d < 1 ? Math.round(d * 1000) + " m" : d.toFixed(1) + " km";
const titleCase = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const store = {
  get(k, d) { try { return JSON.parse(localStorage.getItem(k)) ?? d; } catch (e) { return d; } },
  set(k, v) { localStorage.setItem(k, JSON.stringify(v)); },
};
// newID makes an order's id, so a retried request places no second order;
// crypto.randomUUID exists only on https and localhost.
const newID = () => crypto.randomUUID ? crypto.randomUUID() :
  [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");

const shops = new Map();  // id -> shop
const groups = new Map(); // product name, lower case -> {li, offers: [hit]}
const rows = new Map();   // product id -> its offer's row, for live stock
const orders = new Map(); // id -> order
const viewed = new Set(); // products whose view was sent
const params = new URLSearchParams(location.search);
let category = params.get("category") || "";
let near = null;          // {lat, lng}
let cursor = "";
let live = null;
let fresh = "";           // the order just placed
let asked = 0;            // the latest search asked for: an older answer that comes later is dropped
let cart = store.get("mohalla.cart", {}); // shop id -> product id -> {id, name, unit, price, stock, qty}

function problem(p) { $("problem").textContent = p ? S.explain(p) : ""; }
function customer() { const c = S.caller(); return c && c.role === "customer" ? c : null; }

// loadShops reads every shop once: their names and places, and the
// localities to choose from (one per PIN code, at the middle of its shops).
async function loadShops() {
  let next = "";
  for (let i = 0; i < 4; i++) {
    const page = await S.api("/v1/shops?" + new URLSearchParams({ limit: "500", cursor: next }));
    for (const sh of page.items) shops.set(sh.id, sh);
    next = page.nextCursor;
    if (!next) break;
  }
  const places = new Map();
  for (const sh of shops.values()) {
    const parts = (sh.address || "").split(",").map((s) => s.trim()).filter(Boolean);
    const name = parts.length >= 3 ? parts[parts.length - 2] : "PIN " + sh.pincode;
    const p = places.get(sh.pincode) || { name, pincode: sh.pincode, lat: 0, lng: 0, n: 0 };
    p.lat += sh.location.lat; p.lng += sh.location.lng; p.n++;
    places.set(sh.pincode, p);
  }
  for (const p of [...places.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const o = document.createElement("option");
    o.value = (p.lat / p.n).toFixed(5) + "," + (p.lng / p.n).toFixed(5);
    o.textContent = p.name + " (" + p.pincode + ")";
    $("localities").appendChild(o);
  }
}

async function loadCategories() {
  const r = await S.api("/v1/search/products?facets=category&limit=1");
  const chips = $("categories");
  chips.textContent = "";
  for (const f of [{ value: "", count: r.found }].concat(r.facets.category)) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.category = f.value;
    b.textContent = (f.value ? titleCase(f.value) : "All") + " (" + f.count + ")";
    b.setAttribute("aria-pressed", String(f.value === category));
    b.addEventListener("click", () => {
      category = f.value;
      for (const c of chips.children) c.setAttribute("aria-pressed", String(c === b));
      search();
    });
    chips.appendChild(b);
  }
}

// choosePlace sets where to deliver from the list: the browser's location,
// a locality, or anywhere.
function choosePlace() {
  const v = $("place").value;
  store.set("mohalla.place", v === "here" ? "" : v);
  if (v === "") { near = null; search(); return; }
  if (v !== "here") {
    const [lat, lng] = v.split(",").map(Number);
    near = { lat, lng };
    search();
    return;
  }
  if (!navigator.geolocation) { problem({ detail: "this browser cannot tell where you are: pick a locality" }); return; }
  $("found").textContent = "finding you…";
  navigator.geolocation.getCurrentPosition((pos) => {
    near = { lat: pos.coords.latitude, lng: pos.coords.longitude };
    search();
  }, () => {
    problem({ detail: "your location was not shared: pick a locality instead" });
    $("place").value = "";
  }, { timeout: 10000, maximumAge: 600000 });
}

async function search(more) {
  problem(null);
  const q = new URLSearchParams({ limit: "60" });
  const words = $("q").value.trim();
  if (words) q.set("q", words);
  if (category) q.set("category", category);
  if ($("inStock").checked) q.set("inStock", "true");
  if (near) q.set("near", near.lat.toFixed(5) + "," + near.lng.toFixed(5));
  q.set("sort", $("sort").value === "price" ? "price_asc" : near ? "distance" : words ? "relevance" : "price_asc");
  if (more) q.set("cursor", cursor);
  const mine = ++asked;
  let r;
  try {
    r = await S.api("/v1/search/products?" + q);
  } catch (p) {
    if (mine === asked) problem(p);
    return;
  }
  if (mine !== asked) return;
  if (!more) {
    $("results").textContent = "";
    groups.clear();
    rows.clear();
  }
  for (const hit of r.hits) addOffer(hit);
  for (const g of groups.values()) drawGroup(g);
  cursor = r.nextCursor || "";
  $("more").hidden = !cursor;
  $("found").textContent = "· " + r.found + (r.found === 1 ? " offer" : " offers") + ", " + groups.size + " shown";
  if (r.found === 0) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = "Nothing found" + (words ? " for “" + words + "”" : "") + ": try another category or fewer words.";
    $("results").appendChild(li);
  }
  follow();
}

function addOffer(hit) {
  const key = hit.name.toLowerCase();
  let g = groups.get(key);
  if (!g) {
    g = { key, offers: [], open: false, li: document.createElement("li") };
    g.li.className = "group";
    g.li.id = "group-" + groups.size;
    groups.set(key, g);
    $("results").appendChild(g.li);
  }
  g.offers = g.offers.filter((o) => o.id !== hit.id).concat(hit);
}

// rank puts a product's offers in order: nearest then cheapest, or the
// cheapest first when asked.
function rank(a, b) {
  const da = a.distanceKm ?? Infinity, db = b.distanceKm ?? Infinity;
  if ($("sort").value === "price") return a.price - b.price || da - db;
  return da - db || a.price - b.price;
}

function drawGroup(g) {
  g.offers.sort(rank);
  const best = g.offers[0];
  const cheapest = Math.min(...g.offers.map((o) => o.price));
  g.li.textContent = "";
  g.li.dataset.name = best.name;
  const head = document.createElement("div");
  head.className = "group-head";
  const open = document.createElement("button");
  open.type = "button";
  open.className = "open";
  open.textContent = best.name;
  open.setAttribute("aria-expanded", String(g.open));
  open.setAttribute("aria-controls", g.li.id + "-offers");
  open.addEventListener("click", () => { g.open = !g.open; drawGroup(g); g.li.querySelector(".open").focus(); if (g.open) sendView(best); });
  const from = document.createElement("span");
  from.className = "price";
  from.textContent = g.offers.length > 1 ? "from " + rupees(cheapest) : ""; // one shop: its row says
  const sub = document.createElement("span");
  sub.className = "sub";
  sub.textContent = titleCase(best.category) + " · " + g.offers.length + (g.offers.length === 1 ? " shop" : " shops");
  const h3 = document.createElement("h3");
  h3.className = "name";
  h3.appendChild(open);
  head.append(h3, from, sub);
  const list = document.createElement("ul");
  list.className = "offers";
  list.id = g.li.id + "-offers";
  g.offers.forEach((hit, i) => {
    const row = offerRow(hit, i === 0);
    row.hidden = i > 0 && !g.open;
    list.appendChild(row);
  });
  g.li.append(head, list);
}

function offerRow(hit, best) {
  const sh = shops.get(hit.shopId);
  const li = document.createElement("li");
  li.className = "offer";
  li.id = "offer-" + hit.id;
  const where = document.createElement("div");
  where.className = "where";
  const shop = document.createElement("span");
  shop.className = "shop";
  shop.textContent = sh ? sh.name : hit.shopId;
  const meta = document.createElement("span");
  meta.className = "meta";
  const stock = document.createElement("span");
  stock.className = "stock";
  const facts = [distance(hit.distanceKm), hit.unit].filter((s) => s);
  meta.append(facts.length ? facts.join(" · ") + " · " : "", stock);
  if (best) {
    const b = document.createElement("span");
    b.className = "best";
    b.textContent = $("sort").value === "price" || hit.distanceKm == null ? "cheapest " : "nearest ";
    where.append(b);
  }
  where.append(shop, meta);
  const price = document.createElement("span");
  price.className = "price";
  const add = document.createElement("button");
  add.type = "button";
  add.className = "button add";
  add.textContent = "Add";
  add.setAttribute("aria-label", "Add " + hit.name + " from " + shop.textContent + " to the cart");
  add.addEventListener("click", () => addToCart(hit));
  li.append(where, price, add);
  rows.set(hit.id, li);
  showStock(li, hit);
  return li;
}

function showStock(li, p) {
  const s = li.querySelector(".stock");
  s.textContent = p.stock > 0 ? p.stock + " in stock" : "out of stock";
  s.className = "stock" + (p.stock <= 0 ? " out" : p.stock <= 5 ? " low" : "");
  li.querySelector(".price").textContent = rupees(p.price);
  li.querySelector(".add").disabled = p.stock <= 0;
  const line = cart[p.shopId] && cart[p.shopId][p.id];
  if (line) { line.stock = p.stock; line.price = p.price; }
}

// sendView tells analytics a customer opened a product (product/viewed).
function sendView(hit) {
  const c = customer();
  if (!c || viewed.has(hit.id)) return;
  viewed.add(hit.id);
  S.api("/v1/events", { method: "POST", body: { name: "product/viewed", data: { productId: hit.id, userId: c.id } } })
    .catch(() => {}); // a view that is not counted is no reason to bother the shopper
}

// follow (re)subscribes to the stock of the products shown (the first 35:
// a stream takes 50 topics) and to the customer's orders.
function follow() {
  if (live) live.close();
  const c = customer();
  const topics = [...rows.keys()].slice(0, 35).map((id) => "product:" + id);
  if (c) {
    topics.push("user:" + c.id + ":orders");
    for (const o of orders.values()) {
      if (topics.length < 50 && !["delivered", "cancelled"].includes(o.status)) topics.push("order:" + o.id);
    }
  }
  if (topics.length === 0) { live = null; return; }
  live = new MohallaLive(topics, {
    url: "/v1/live",
    token: () => S.token(),
    onChange(topic, value) {
      const [kind, id] = topic.split(":");
      if (kind === "product" && rows.has(id) && value) showStock(rows.get(id), value);
      if (kind === "order" && value) mergeOrders([value]);
      if (kind === "user" && Array.isArray(value)) mergeOrders(value);
    },
    onStatus(s) { $("live").textContent = s === "open" ? "live" : s; },
    onError: problem,
  });
}

// Cart: one per shop, kept in this browser.
function addToCart(hit) {
  const lines = cart[hit.shopId] = cart[hit.shopId] || {};
  const line = lines[hit.id] = lines[hit.id] || { id: hit.id, name: hit.name, unit: hit.unit || "", price: hit.price, stock: hit.stock, qty: 0 };
  line.qty = Math.min(line.qty + 1, Math.max(hit.stock, 1));
  saveCart();
  $("cart-count").animate?.([{ transform: "scale(1.3)" }, { transform: "scale(1)" }], 250);
}

function saveCart() {
  for (const [shopId, lines] of Object.entries(cart)) {
    for (const [id, l] of Object.entries(lines)) if (!(l.qty > 0)) delete lines[id];
    if (Object.keys(lines).length === 0) delete cart[shopId];
  }
  store.set("mohalla.cart", cart);
  drawCart();
}

function drawCart() {
  const box = $("carts");
  box.textContent = "";
  let count = 0;
  for (const [shopId, lines] of Object.entries(cart)) {
    const sh = shops.get(shopId);
    const div = document.createElement("div");
    div.className = "shop-cart card";
    div.id = "cart-" + shopId;
    const h = document.createElement("h3");
    h.textContent = sh ? sh.name : shopId;
    const ul = document.createElement("ul");
    ul.className = "lines";
    let total = 0;
    Object.values(lines).forEach((l, i) => {
      count += l.qty;
      total += l.qty * l.price;
      const li = document.createElement("li");
      li.className = "line";
      li.dataset.product = l.id;
      const name = document.createElement("span");
      name.textContent = l.name + (l.unit ? " (" + l.unit + ")" : "") + " · " + rupees(l.price);
      const qid = "qty-" + shopId + "-" + i;
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = qid;
      label.textContent = "Quantity of " + l.name;
      const qty = document.createElement("input");
      qty.type = "number";
      qty.id = qid;
      qty.min = "0";
      qty.max = String(Math.max(l.stock, l.qty));
      qty.value = String(l.qty);
      qty.addEventListener("change", () => { l.qty = Math.max(0, Math.floor(Number(qty.value) || 0)); saveCart(); });
      const rm = document.createElement("button");
      rm.type = "button";
      rm.className = "button secondary remove";
      rm.textContent = "Remove";
      rm.setAttribute("aria-label", "Remove " + l.name);
      rm.addEventListener("click", () => { l.qty = 0; saveCart(); });
      const err = document.createElement("p");
      err.className = "problem line-error";
      err.id = "line-error-" + shopId + "-" + i;
      qty.setAttribute("aria-describedby", err.id);
      li.append(name, label, qty, rm, err);
      ul.appendChild(li);
    });
    const sum = document.createElement("p");
    sum.className = "total";
    sum.append("Total", document.createElement("span"));
    sum.lastChild.textContent = rupees(total);
    const place = document.createElement("button");
    place.type = "button";
    place.className = "button place";
    place.textContent = "Place order with " + h.textContent;
    place.addEventListener("click", () => checkout(shopId, div));
    const err = document.createElement("p");
    err.className = "problem shop-problem";
    err.setAttribute("role", "alert");
    div.append(h, ul, sum, place, err);
    box.appendChild(div);
  }
  $("cart-count").textContent = String(count);
  $("cart-link").setAttribute("aria-label", "Cart, " + count + (count === 1 ? " item" : " items"));
  $("cart-empty").hidden = count > 0;
  $("address").hidden = count === 0;
}

const addressFields = ["street", "city", "pincode", "state"];

// checkout places one order for the shop's cart; the server's field errors
// are shown next to the fields they name.
async function checkout(shopId, div) {
  const c = customer();
  const shopProblem = div.querySelector(".shop-problem");
  for (const f of addressFields) { $(f + "-error").textContent = ""; $(f).removeAttribute("aria-invalid"); }
  for (const e of div.querySelectorAll(".line-error")) e.textContent = "";
  shopProblem.textContent = "";
  if (!c) {
    shopProblem.textContent = "Sign in as a customer to order (on the home page).";
    return;
  }
  const lines = Object.values(cart[shopId] || {});
  const address = Object.fromEntries(addressFields.map((f) => [f, $(f).value.trim()]));
  store.set("mohalla.address", address);
  const button = div.querySelector(".place");
  button.disabled = true;
  try {
    const o = await S.api("/v1/orders", { method: "POST", body: {
      id: newID(), userId: c.id, items: lines.map((l) => ({ productId: l.id, quantity: l.qty })), deliveryAddress: address,
    } });
    delete cart[shopId];
    saveCart();
    fresh = o.id;
    mergeOrders([o]);
    follow();
    $("orders-title").focus();
    $("orders-title").scrollIntoView({ block: "start" });
  } catch (p) {
    button.disabled = false;
    const rest = [];
    for (const e of p.errors || []) {
      const m = /^deliveryAddress\.(\w+)$/.exec(e.field) || [];
      const line = /^items\[(\d+)\]/.exec(e.field);
      if (m[1] && $(m[1] + "-error")) {
        $(m[1] + "-error").textContent = titleCase(e.message) + ".";
        $(m[1]).setAttribute("aria-invalid", "true");
      } else if (line && div.querySelectorAll(".line-error")[line[1]]) {
        div.querySelectorAll(".line-error")[line[1]].textContent = titleCase(e.message) + ".";
      } else {
        rest.push(e.field + " " + e.message);
      }
    }
    if (!p.errors || rest.length) shopProblem.textContent = p.errors ? "Not placed: " + rest.join("; ") : "Not placed: " + S.explain(p);
    else shopProblem.textContent = "Not placed: correct the fields marked.";
    const bad = document.querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  }
}

// loadOrders lists the customer's orders from the API, every page (a
// customer's orders are few), newest first.
async function loadOrders() {
  const c = customer();
  orders.clear();
  $("orders").textContent = "";
  $("orders-note").textContent = c ? "Loading your orders…" : "Sign in as a customer to see your orders.";
  if (!c) return;
  try {
    let next = "";
    for (let i = 0; i < 5; i++) {
      const page = await S.api("/v1/orders?" + new URLSearchParams({ userId: c.id, limit: "100", cursor: next }));
      mergeOrders(page.items, true);
      next = page.nextCursor;
      if (!next) break;
    }
  } catch (p) {
    $("orders-note").textContent = S.explain(p);
    return;
  }
  drawOrders();
}

function mergeOrders(list, quiet) {
  for (const o of list) {
    const cur = orders.get(o.id);
    if (!cur || !(cur.version > o.version)) orders.set(o.id, o);
  }
  if (!quiet) drawOrders();
}

const statusWords = { pending: "placed, waiting for the shop", confirmed: "confirmed", packed: "packed",
  out_for_delivery: "out for delivery", delivered: "delivered", cancelled: "cancelled" };

function drawOrders() {
  const ul = $("orders");
  ul.textContent = "";
  const list = [...orders.values()].sort((a, b) => (b.createdAt || "").localeCompare(a.createdAt || ""));
  $("orders-note").textContent = list.length ? "" : "No orders yet.";
  for (const o of list) {
    const li = document.createElement("li");
    li.className = "order" + (o.id === fresh ? " fresh" : "");
    li.id = "order-" + o.id;
    const top = document.createElement("div");
    top.className = "top";
    const shop = document.createElement("strong");
    shop.textContent = (shops.get(o.shopId) || { name: o.shopId }).name;
    const status = document.createElement("span");
    status.className = "status " + o.status;
    status.dataset.status = o.status;
    status.textContent = statusWords[o.status] || o.status;
    top.append(shop, status);
    const what = document.createElement("div");
    what.className = "what";
    what.textContent = o.items.map((i) => i.quantity + " × " + i.name).join(", ") + " · " + rupees(o.totalAmount) +
      " · " + new Date(o.createdAt).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    li.append(top, what);
    ul.appendChild(li);
  }
}

$("finder").addEventListener("submit", (e) => { e.preventDefault(); search(); });
$("place").addEventListener("change", choosePlace);
$("sort").addEventListener("change", () => { for (const g of groups.values()) drawGroup(g); search(); });
$("inStock").addEventListener("change", () => search());
$("more").addEventListener("click", () => search(true));
for (const f of addressFields) {
  $(f).addEventListener("change", () => store.set("mohalla.address", Object.fromEntries(addressFields.map((k) => [k, $(k).value.trim()]))));
}
document.addEventListener("mohalla:session", () => { loadOrders().then(follow); });

(async function start() {
  $("q").value = params.get("q") || "";
  const addr = store.get("mohalla.address", {});
  for (const f of addressFields) $(f).value = addr[f] || "";
  drawCart();
  try {
    await loadShops();
    drawCart(); // with the shops' names
    const place = store.get("mohalla.place", "");
    if (place && [...$("localities").children].some((o) => o.value === place)) {
      $("place").value = place;
      const [lat, lng] = place.split(",").map(Number);
      near = { lat, lng };
    }
    await loadCategories();
  } catch (p) {
    problem(p);
  }
  await loadOrders();
  await search();
})();
