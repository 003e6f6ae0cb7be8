// The dashboard's history section: one order's, product's or shop's changes
// from the audit trail (GET /v1/{orders|products|shops}/{id}/history), oldest
// first. It stands alone, reading only the page's token field, so it can move
// with its section.
"use strict";
(() => {
  const el = (id) => document.getElementById(id);
  const text = (v) => v == null ? "" : JSON.stringify(v);

  async function show() {
    const kind = el("historyKind").value, id = el("historyId").value.trim();
    const body = document.querySelector("#history tbody");
    el("historyProblem").textContent = "";
    body.textContent = "";
    if (!id) return;
    const r = await fetch("/v1/" + kind + "/" + encodeURIComponent(id) + "/history?limit=500",
      { headers: { Authorization: "Bearer " + el("token").value.trim() } });
    const page = await r.json().catch(() => ({ detail: r.statusText }));
    if (!r.ok) {
      el("historyProblem").textContent = r.status + ": " + (page.detail || page.title || "failed");
      return;
    }
    for (const a of page.items) {
      const tr = document.createElement("tr");
      const who = a.actor.id + " (" + a.actor.role + (a.actor.keyId ? ", key " + a.actor.keyId : "") + ")";
      const from = a.requestId ? a.requestId + (a.clientIp ? " from " + a.clientIp : "") : "";
      for (const c of [new Date(a.at).toLocaleString(), who, a.action, text(a.before), text(a.after), from]) {
        const td = document.createElement("td");
        td.textContent = c;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  }

  el("historyShow").addEventListener("click", () => { show().catch((e) => { el("historyProblem").textContent = String(e); }); });
})();
