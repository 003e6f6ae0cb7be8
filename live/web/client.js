// MohallaLive follows live queries of the MohallaMart API over Server-Sent
// Events and keeps a local copy of each topic's value. No build step:
//
//   <script src="/v1/live/client.js"></script>
//   const live = new MohallaLive(["product:p1", "user:u1:orders"], {
//     token: "…",                                  // omit for public topics
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
// too long ago. A "heartbeat" moves the last id forward while nothing this
// client follows changes. A "resync" (this client fell behind) reconnects at
// once from the last id. Values only ever move forward: a change whose version the local
// copy already has is ignored.
//
// Built from clients/js/browser/mohalla-live.ts by npm run build:client-js: do not edit.
"use strict";
(() => {
  // src/reduce.ts
  function kindOf(topic) {
    const p = topic.split(":");
    return p.length === 2 ? p[0] : `${p[0]}-${p[2]}`;
  }
  function newer(d, cur) {
    return !(d.version && cur && cur.version && d.version <= cur.version);
  }
  function iso(ts) {
    return new Date(ts).toISOString();
  }
  function patchProduct(p, ev) {
    const d = ev.data;
    if (ev.name === "product/created") {
      if (p) return p;
      const q2 = { id: d.productId, shopId: d.shopId, name: d.name };
      if (d.description) q2.description = d.description;
      Object.assign(q2, { price: d.price, category: d.category });
      if (d.unit) q2.unit = d.unit;
      return Object.assign(q2, {
        stock: d.stock,
        lowStockThreshold: d.lowStockThreshold || 0,
        version: d.version,
        createdAt: iso(ev.ts),
        updatedAt: iso(ev.ts)
      });
    }
    if (!p || !newer(d, p)) return p;
    const q = { ...p };
    if (ev.name === "product/updated") {
      for (const [field, c] of Object.entries(d.changes || {})) q[field] = c.new;
    }
    if (ev.name === "product/deleted") q.deletedAt = iso(ev.ts);
    if (d.version) q.version = d.version;
    q.updatedAt = iso(ev.ts);
    return q;
  }
  function patchOrder(o, ev) {
    const d = ev.data;
    if (ev.name === "order/created") {
      return o ?? {
        id: d.orderId,
        userId: d.userId,
        shopId: d.shopId,
        items: d.items,
        totalAmount: d.totalAmount,
        status: d.status,
        deliveryAddress: d.deliveryAddress,
        version: 1,
        createdAt: iso(ev.ts),
        updatedAt: iso(ev.ts)
      };
    }
    if (!o || !newer(d, o)) return o;
    return { ...o, status: d.status, version: d.version, updatedAt: iso(ev.ts) };
  }
  function patchList(list, ev, idKey, patch, keep) {
    const id = ev.data[idKey];
    const items = (list || []).slice();
    const i = items.findIndex((x) => x.id === id);
    const next = patch(i >= 0 ? items[i] : void 0, ev);
    if (next === void 0 || !keep(next)) {
      if (i >= 0) items.splice(i, 1);
    } else if (i >= 0) {
      items[i] = next;
    } else {
      const j = items.findIndex((x) => x.id > id);
      items.splice(j < 0 ? items.length : j, 0, next);
    }
    return items;
  }
  function reduce(topic, value, ev) {
    switch (kindOf(topic)) {
      case "product":
        return patchProduct(value, ev);
      case "order":
        return patchOrder(value, ev);
      case "shop-products":
        return patchList(value, ev, "productId", patchProduct, (p) => !p.deletedAt);
      case "user-orders":
      case "shop-orders":
        return patchList(value, ev, "orderId", patchOrder, () => true);
    }
    return value;
  }

  // browser/mohalla-live.ts
  var MohallaLive = class {
    url;
    token;
    topics;
    onChange;
    onError;
    onStatus;
    values = /* @__PURE__ */ new Map();
    lastId = "";
    retry = 1e3;
    closed = false;
    es;
    timer;
    constructor(topics, opts = {}) {
      this.url = opts.url || "/v1/live";
      this.token = opts.token || "";
      this.topics = topics.slice();
      this.onChange = opts.onChange || function() {
      };
      this.onError = opts.onError || function() {
      };
      this.onStatus = opts.onStatus || function() {
      };
      this._open();
    }
    // value returns the local copy of a topic's value.
    value(topic) {
      return this.values.get(topic);
    }
    close() {
      this.closed = true;
      if (this.es) this.es.close();
      clearTimeout(this.timer);
    }
    _src() {
      const q = new URLSearchParams({ topics: this.topics.join(",") });
      if (this.token) q.set("token", this.token);
      if (this.lastId) q.set("lastEventId", this.lastId);
      return this.url + "?" + q.toString();
    }
    _open() {
      if (this.closed) return;
      const es = new EventSource(this._src());
      this.es = es;
      const track = (e) => {
        if (e.lastEventId) this.lastId = e.lastEventId;
      };
      const setAll = (e) => {
        track(e);
        const values = JSON.parse(e.data).values || {};
        for (const [topic, v] of Object.entries(values)) {
          this.values.set(topic, v);
          this.onChange(topic, v, null);
        }
      };
      es.onopen = () => {
        this.retry = 1e3;
        this.onStatus("open");
      };
      es.addEventListener("snapshot", setAll);
      es.addEventListener("reset", setAll);
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
      es.addEventListener("resync", () => {
        es.close();
        this.onStatus("resync");
        this._open();
      });
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) {
          this.onStatus("reconnecting");
          return;
        }
        this.onStatus("closed");
        fetch(this._src(), { headers: { Accept: "application/problem+json" } }).then((r) => {
          if (r.ok) {
            void r.body?.cancel();
            return null;
          }
          return r.json().catch(() => ({ status: r.status, detail: r.statusText }));
        }).catch(() => null).then((problem) => {
          if (this.closed) return;
          if (problem && problem.status >= 400 && problem.status < 500) {
            this.onError(problem);
            return;
          }
          this.timer = setTimeout(() => this._open(), this.retry);
          this.retry = Math.min(this.retry * 2, 3e4);
        });
      };
    }
  };
  Object.assign(MohallaLive, { reduce });
  globalThis.MohallaLive = MohallaLive;
})();
