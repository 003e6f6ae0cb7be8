// The landing page: the node's health from /readyz, the pages, and signing
// in, with a token or, on a demo store only, as one of its accounts.
"use strict";
const $ = (id) => document.getElementById(id);

// home is the page each role works in.
const home = {
  customer: ["/storefront/", "Open the storefront"],
  shop_owner: ["/shop/", "Open your shop console"],
  admin: ["/dashboard/", "Open the dashboard"],
  service: ["/dashboard/", "Open the dashboard"],
};

async function health() {
  $("status").textContent = "checking…";
  let h;
  try {
    const r = await fetch("/readyz");
    h = await r.json();
    if (!r.ok) h = { status: "down", components: (h.detail && h.detail.components) || {} };
  } catch (e) {
    h = { status: "down", components: {} };
  }
  $("status").textContent = h.status === "ok" ? "healthy" : h.status;
  $("status").className = "badge " + h.status;
  $("components").textContent = "";
  for (const [name, c] of Object.entries(h.components || {}).sort()) {
    const li = document.createElement("li");
    li.id = "component-" + name;
    const n = document.createElement("span");
    n.className = "name";
    n.textContent = name;
    const s = document.createElement("span");
    s.className = "badge " + c.status;
    s.textContent = c.status;
    li.append(n, s, " " + Math.round(c.latencyMs * 10) / 10 + " ms");
    $("components").appendChild(li);
  }
  $("checked").textContent = "Checked at " + new Date().toLocaleTimeString() + ".";
}

function showCaller() {
  const c = MohallaSession.caller();
  $("signed-in").hidden = !c;
  if (!c) return;
  $("who").textContent = c.id + " (" + MohallaSession.roleName(c.role) + ")";
  const [href, text] = home[c.role] || home.customer;
  $("next").href = href;
  $("next").textContent = text;
}

async function demo() {
  let accounts;
  try {
    accounts = (await MohallaSession.api("/v1/demo/accounts")).items;
  } catch (p) {
    return; // not offered: the token box is the way in
  }
  $("demo").hidden = accounts.length === 0;
  $("accounts").textContent = "";
  const order = ["customer", "shop_owner", "admin"];
  accounts.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  for (const a of accounts) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.id = "demo-" + a.role;
    const strong = document.createElement("strong");
    strong.textContent = a.name;
    b.append(strong, MohallaSession.roleName(a.role) + (a.about && a.about !== "a " + a.role ? ", " + a.about : ""));
    b.addEventListener("click", async () => {
      $("token-problem").textContent = "";
      try {
        const t = await MohallaSession.api("/v1/demo/tokens", { method: "POST", body: { role: a.role } });
        MohallaSession.signIn(t.token);
        $("next").focus();
      } catch (p) {
        $("token-problem").textContent = MohallaSession.explain(p);
      }
    });
    li.appendChild(b);
    $("accounts").appendChild(li);
  }
}

// The token box checks a token with the server before keeping it: listing a
// shop is open to anyone, but refuses a bad token with 401.
$("token-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = $("token").value.trim();
  $("token-problem").textContent = "";
  if (!token) {
    $("token-problem").textContent = "Paste a token first.";
    $("token").focus();
    return;
  }
  const r = await fetch("/v1/shops?limit=1", { headers: { Authorization: "Bearer " + token } }).catch(() => null);
  if (!r || r.status === 401) {
    $("token-problem").textContent = r ? "The server does not accept this token: it is wrong, or expired." : "The server did not answer.";
    $("token").focus();
    return;
  }
  $("token").value = "";
  MohallaSession.signIn(token);
  $("next").focus();
});
$("signout").addEventListener("click", () => MohallaSession.signOut());
$("recheck").addEventListener("click", health);
document.addEventListener("mohalla:session", showCaller);
showCaller();
health();
demo();
