// MohallaLive follows live queries of the MohallaMart API over Server-Sent
// Events and keeps a local copy of each topic's value. No build step:
//
//   <script src="/v1/live/client.js"></script>
//   const live = new MohallaLive(["product:p1", "user:u1:orders"], {
//     token: "…",      // omit for public topics; or a function returning a
//                      // token (or a promise of one), asked at every (re)connection
//     onChange(topic, value, event) { render(topic, value); },
//     onError(problem) { console.warn(problem.detail); },
//   });
//   live.value("product:p1");  live.close();
//
// Topics: product:{id}, shop:{id}:products, order:{id}, user:{id}:orders,
// shop:{id}:orders. The server sends the current values first ("snapshot"),
// then each change ("change", with the event-log position as its id). After a
// dropped connection the browser reconnects with Last-Event-ID and the server
// replays what was missed, or sends "reset" with the current values if it was
// too long ago, or not from this server's log. A "heartbeat" moves the last id
// forward while nothing this client follows changes. A "resync" (this client
// fell behind) and an "end" (the stream reached its token's expiry or the
// server's longest lifetime, or its key was revoked) reconnect at once from the
// last id, with a fresh token if the token option is a function. A 429 (too
// many streams, or too many opened) is retried after its Retry-After. Values only ever move forward: a change whose version the local
// copy already has is ignored.
(function (global) {
  "use strict";

  function kindOf(topic) {
    const p = topic.split(":");
    if (p.length === 2) return p[0]; // product, order
    return p[0] + "-" + p[2]; // shop-products, user-orders, shop-orders
  }

  function newer(d, cur) {
    return !(d.version && cur && cur.version && d.version <= cur.version);
  }

  function patchProduct(p, ev) {
    const d = ev.data;
    if (ev.name === "product/created") {
      if (p) return p;
      const at = new Date(ev.ts).toISOString();
      // The fields in the order and the shape the server writes them.
      const q = { id: d.productId, shopId: d.shopId, name: d.name };
      if (d.description) q.description = d.description;
      Object.assign(q, { price: d.price, category: d.category });
      if (d.unit) q.unit = d.unit;
      return Object.assign(q, { stock: d.stock, lowStockThreshold: d.lowStockThreshold || 0,
        version: d.version, createdAt: at, updatedAt: at });
    }
    if (!p || !newer(d, p)) return p;
    const q = Object.assign({}, p);
    if (ev.name === "product/updated") {
      for (const [field, c] of Object.entries(d.changes || {})) q[field] = c.new;
    }
    if (ev.name === "product/deleted") q.deletedAt = new Date(ev.ts).toISOString();
    if (d.version) q.version = d.version;
    q.updatedAt = new Date(ev.ts).toISOString();
    return q;
  }

  function patchOrder(o, ev) {
    const d = ev.data;
    if (ev.name === "order/created") {
      const at = new Date(ev.ts).toISOString();
      return o || { id: d.orderId, userId: d.userId, shopId: d.shopId, items: d.items,
        totalAmount: d.totalAmount, status: d.status, deliveryAddress: d.deliveryAddress,
        version: 1, createdAt: at, updatedAt: at };
    }
    if (!o || !newer(d, o)) return o;
    return Object.assign({}, o, { status: d.status, version: d.version, updatedAt: new Date(ev.ts).toISOString() });
  }

  function patchList(list, ev, idKey, patch, keep) {
    const id = ev.data[idKey];
    const items = (list || []).slice();
    const i = items.findIndex((x) => x.id === id);
    const next = patch(i >= 0 ? items[i] : undefined, ev);
    if (next === undefined || !keep(next)) {
      if (i >= 0) items.splice(i, 1);
    } else if (i >= 0) {
      items[i] = next;
    } else {
      // The server lists by id (byte order), so a new item goes to its place
      // there, not to the end: ids need not grow with time.
      const j = items.findIndex((x) => x.id > id);
      items.splice(j < 0 ? items.length : j, 0, next);
    }
    return items;
  }

  // reduce returns a topic's value after an event.
  function reduce(topic, value, ev) {
    switch (kindOf(topic)) {
      case "product": return patchProduct(value, ev);
      case "order": return patchOrder(value, ev);
      case "shop-products": return patchList(value, ev, "productId", patchProduct, (p) => !p.deletedAt);
      case "user-orders":
      case "shop-orders": return patchList(value, ev, "orderId", patchOrder, () => true);
    }
    return value;
  }

  class MohallaLive {
    constructor(topics, opts) {
      opts = opts || {};
      this.url = opts.url || "/v1/live";
      this.token = opts.token || "";
      this.topics = topics.slice();
      this.onChange = opts.onChange || function () {};
      this.onError = opts.onError || function () {};
      this.onStatus = opts.onStatus || function () {};
      this.values = new Map();
      this.lastId = "";
      this.retry = 1000;
      this.closed = false;
      this._open();
    }

    // value returns the local copy of a topic's value.
    value(topic) { return this.values.get(topic); }

    close() {
      this.closed = true;
      if (this.es) this.es.close();
      clearTimeout(this.timer);
    }

    _src(token) {
      const q = new URLSearchParams({ topics: this.topics.join(",") });
      if (token) q.set("token", token);
      if (this.lastId) q.set("lastEventId", this.lastId);
      return this.url + "?" + q.toString();
    }

    // _open connects with the token, asking the token function for a fresh
    // one first if there is one.
    _open() {
      if (this.closed) return;
      if (typeof this.token !== "function") { this._connect(this.token); return; }
      Promise.resolve().then(() => this.token()).then(
        (token) => this._connect(token || ""),
        (err) => { if (!this.closed) this.onError({ status: 0, detail: "no token: " + err }); });
    }

    // _reopen closes es and connects again from the last id.
    _reopen(es, status) {
      es.close();
      this.onStatus(status);
      this._open();
    }

    _connect(token) {
      if (this.closed) return;
      const es = new EventSource(this._src(token));
      this.es = es;
      const track = (e) => { if (e.lastEventId) this.lastId = e.lastEventId; };
      const setAll = (e) => {
        track(e);
        const values = JSON.parse(e.data).values || {};
        for (const [topic, v] of Object.entries(values)) {
          this.values.set(topic, v);
          this.onChange(topic, v, null);
        }
      };
      es.onopen = () => { this.retry = 1000; this.onStatus("open"); };
      es.addEventListener("snapshot", setAll);
      // A reset is a fresh snapshot: the server could not replay from the
      // last id, so every value is replaced, as on the first connection.
      es.addEventListener("reset", (e) => { setAll(e); this.onStatus("reset"); });
      es.addEventListener("change", (e) => {
        track(e);
        const msg = JSON.parse(e.data);
        for (const topic of msg.topics) {
          const v = reduce(topic, this.values.get(topic), msg.event);
          this.values.set(topic, v);
          this.onChange(topic, v, msg.event);
        }
      });
      es.addEventListener("heartbeat", track);
      es.addEventListener("resync", () => this._reopen(es, "resync"));
      es.addEventListener("end", (e) => { track(e); this._reopen(es, "end"); });
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) { this.onStatus("reconnecting"); return; }
        // The server refused the stream (or is gone): ask it why.
        this.onStatus("closed");
        let wait = 0;
        fetch(this._src(token), { headers: { Accept: "application/problem+json" } }).then((r) => {
          if (r.ok) { r.body && r.body.cancel(); return null; }
          wait = 1000 * (parseInt(r.headers.get("Retry-After"), 10) || 0);
          return r.json().catch(() => ({ status: r.status, detail: r.statusText }));
        }).catch(() => null).then((problem) => {
          if (this.closed) return; // closed while asking
          if (problem && problem.status >= 400 && problem.status < 500 && problem.status !== 429) {
            this.onError(problem); // 401, 403, 404, 422: retrying will not help
            return;
          }
          // A 429 says when to come back; anything else backs off.
          this.timer = setTimeout(() => this._open(), Math.max(wait, this.retry));
          this.retry = Math.min(this.retry * 2, 30000);
        });
      };
    }
  }

  MohallaLive.reduce = reduce;
  global.MohallaLive = MohallaLive;
  if (typeof module === "object" && module.exports) module.exports = MohallaLive;
})(typeof window !== "undefined" ? window : globalThis);
