// The script of storefront's page, served as a file of its own so the page's
// Content-Security-Policy allows no inline script.
"use strict";
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
$("token").value = params.get("token") || "";
$("q").value = params.get("q") || "";
if (params.has("token")) { // keep the token out of the history and bookmarks
  params.delete("token");
  history.replaceState(null, "", location.pathname + (params.size ? "?" + params : ""));
}
const rupees = (n) => "₹" + Number(n).toFixed(2);
const shown = new Map(); // product id -> its row
const orders = [];       // ids of the orders placed here, followed live
let live = null;

// The signed-in customer: the token's subject.
function customer() {
  const token = $("token").value.trim();
  try {
    const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return { token, id: claims.sub };
  } catch (e) {
    return null;
  }
}

function problem(p) {
  $("problem").textContent = p ? (p.detail || p.title || "failed") +
    (p.errors ? ": " + p.errors.map((e) => e.field + " " + e.message).join("; ") : "") : "";
}

function showStock(row, p) {
  const stock = row.querySelector(".stock");
  stock.textContent = p.stock > 0 ? p.stock + " in stock" : "out of stock";
  stock.className = "stock" + (p.stock > 0 ? "" : " out");
  row.querySelector(".price").textContent = rupees(p.price);
  row.querySelector("button").disabled = p.stock <= 0;
}

// follow (re)subscribes to the products shown and the orders placed.
function follow() {
  if (live) live.close();
  const topics = [...shown.keys()].map((id) => "product:" + id).concat(orders.map((id) => "order:" + id));
  if (topics.length === 0) { live = null; return; }
  live = new MohallaLive(topics, {
    url: "/v1/live",
    token: $("token").value.trim(),
    onChange(topic, value) {
      const [kind, id] = topic.split(":");
      if (kind === "product" && shown.has(id)) showStock(shown.get(id), value);
      if (kind === "order") {
        const row = $("order-" + id);
        if (row) row.querySelector(".status").textContent = value.status.replace(/_/g, " ");
      }
    },
    onStatus(s) { $("live").textContent = s === "open" ? "live" : s; },
    onError: problem,
  });
}

// shopName returns a shop's name, asking once per shop (reads of a shop are
// cached by the server too).
const shops = new Map();
function shopName(id) {
  if (!shops.has(id)) {
    shops.set(id, fetch("/v1/shops/" + encodeURIComponent(id)).then((r) => r.ok ? r.json() : { name: id })
      .then((sh) => sh.name || id, () => id));
  }
  return shops.get(id);
}

async function search() {
  problem(null);
  const q = new URLSearchParams({ q: $("q").value, limit: "20" });
  if ($("inStock").checked) q.set("inStock", "true");
  const r = await fetch("/v1/search/products?" + q);
  const body = await r.json();
  if (!r.ok) { problem(body); return; }
  $("found").textContent = body.found + (body.found === 1 ? " product" : " products");
  $("results").textContent = "";
  shown.clear();
  for (const p of body.hits) {
    const row = document.createElement("li");
    row.id = "product-" + p.id;
    row.innerHTML = '<span><span class="name"></span> <span class="unit"></span><br><span class="shop"></span></span>' +
      '<span class="price"></span><span class="stock"></span><button>Order 1</button>';
    // The highlight is HTML-escaped by the server, with the matched words marked.
    row.querySelector(".name").innerHTML = p.highlight ? p.highlight.name : "";
    if (!p.highlight) row.querySelector(".name").textContent = p.name;
    row.querySelector(".unit").textContent = p.unit || "";
    shopName(p.shopId).then((name) => { row.querySelector(".shop").textContent = name; });
    row.querySelector("button").addEventListener("click", () => order(p));
    showStock(row, p);
    shown.set(p.id, row);
    $("results").appendChild(row);
  }
  follow();
}

async function order(p) {
  problem(null);
  const who = customer();
  if (!who) { problem({ detail: "sign in first: paste a customer token below" }); return; }
  const r = await fetch("/v1/orders", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: "Bearer " + who.token },
    body: JSON.stringify({
      id: crypto.randomUUID(), // a retry of this request places no second order
      userId: who.id,
      items: [{ productId: p.id, quantity: 1 }],
      deliveryAddress: { street: $("street").value, city: $("city").value, pincode: $("pincode").value, state: $("state").value },
    }),
  });
  const body = await r.json();
  if (!r.ok) { problem(body); return; }
  const row = document.createElement("li");
  row.id = "order-" + body.id;
  row.innerHTML = '<span class="what"></span> — <span class="status"></span>';
  row.querySelector(".what").textContent = body.items.map((i) => i.quantity + " × " + i.name).join(", ") +
    ", " + rupees(body.totalAmount);
  row.querySelector(".status").textContent = body.status;
  $("orders").prepend(row);
  orders.push(body.id);
  follow();
}

$("search").addEventListener("submit", (e) => { e.preventDefault(); search(); });
if ($("q").value) search();
