// MohallaLive follows live queries of the MohallaMart API over Server-Sent
// Events and keeps a local copy of each topic's value. No build step:
//
//   <script src="/v1/live/client.js"></script>
//   const live = new MohallaLive(["product:p1", "user:u1:orders"], {
//     token: "…",      // omit for public topics; or a function returning a
//                      // token (or a promise of one), asked at every (re)connection
//     onChange(topic, value, event) { render(topic, value); },
//     onError(problem) { console.warn(problem.detail); },
//     onStatus(s) { … }, // open, reconnecting, closed, reset, resync, end
//   });
//   live.value("product:p1");  live.lastId;  live.close();
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
// many streams, or too many opened) is retried after its Retry-After. Values
// only ever move forward: a change whose version the local copy already has is
// ignored.
//
// Built from clients/js/browser/client.ts and clients/js/src (the rules of
// @mohallamart/client's subscriptions) by `npm run gen`: do not edit.
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

  // src/follow.ts
  async function tokenOf(t) {
    return typeof t === "function" ? await t() : t;
  }
  var Follow = class {
    constructor(hooks, lastEventId = "") {
      this.hooks = hooks;
      this.lastEventId = lastEventId;
    }
    hooks;
    lastEventId;
    values = /* @__PURE__ */ new Map();
    /**
     * apply applies one message of the stream. It returns the event's name when
     * the server asks for a new stream from lastEventId at once: "resync" (this
     * client fell behind) or "end" (the stream reached its token's expiry or the
     * server's longest lifetime, or its key was revoked; reconnect with a fresh
     * token). Else undefined.
     */
    apply(event, data, id) {
      if (id) this.lastEventId = id;
      switch (event) {
        case "snapshot":
        case "reset": {
          const values = JSON.parse(data).values ?? {};
          for (const [topic, v] of Object.entries(values)) {
            this.values.set(topic, v);
            this.hooks.onChange(topic, v, null);
          }
          if (event === "reset") this.hooks.onReset?.(values);
          return void 0;
        }
        case "change": {
          const msg = JSON.parse(data);
          for (const topic of msg.topics) {
            const v = reduce(topic, this.values.get(topic), msg.event);
            this.values.set(topic, v);
            this.hooks.onChange(topic, v, msg.event);
          }
          return void 0;
        }
        case "resync":
        case "end":
          return event;
      }
      return void 0;
    }
  };
  function final(status) {
    return status >= 400 && status < 500 && status !== 429;
  }
  function retryAfter(header) {
    return 1e3 * (parseInt(header ?? "", 10) || 0);
  }
  var minDelay = 1e3;
  var maxDelay = 3e4;
  var Backoff = class {
    delay = minDelay;
    /** opened starts again from the shortest wait. */
    opened() {
      this.delay = minDelay;
    }
    /** next returns the wait before the next attempt, at least asked ms, and lengthens the one after. */
    next(asked = 0) {
      const d = Math.max(this.delay, asked);
      this.delay = Math.min(this.delay * 2, maxDelay);
      return d;
    }
  };

  // browser/client.ts
  var MohallaLive = class {
    static reduce = reduce;
    url;
    token;
    topics;
    onChange;
    onError;
    onStatus;
    closed = false;
    es;
    timer;
    follow;
    backoff = new Backoff();
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
      this.follow = new Follow({
        onChange: (topic, value, event) => this.onChange(topic, value, event),
        onReset: () => this.onStatus("reset")
      });
      this._open();
    }
    /** lastId is the log position the client resumes from. */
    get lastId() {
      return this.follow.lastEventId;
    }
    /** values holds the local copy of each topic's value. */
    get values() {
      return this.follow.values;
    }
    /** value returns the local copy of a topic's value. */
    value(topic) {
      return this.follow.values.get(topic);
    }
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
      if (typeof this.token !== "function") {
        this._connect(this.token || "");
        return;
      }
      tokenOf(this.token).then(
        (token) => this._connect(token || ""),
        (err) => {
          if (!this.closed) this.onError({ status: 0, detail: "no token: " + err });
        }
      );
    }
    _connect(token) {
      if (this.closed) return;
      const es = new EventSource(this._src(token));
      this.es = es;
      for (const name of ["snapshot", "reset", "change", "heartbeat", "resync", "end"]) {
        es.addEventListener(name, (e) => {
          const again = this.follow.apply(name, e.data, e.lastEventId);
          if (again) {
            es.close();
            this.onStatus(again);
            this._open();
          }
        });
      }
      es.onopen = () => {
        this.backoff.opened();
        this.onStatus("open");
      };
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) {
          this.onStatus("reconnecting");
          return;
        }
        this.onStatus("closed");
        let wait = 0;
        fetch(this._src(token), { headers: { Accept: "application/problem+json" } }).then((r) => {
          if (r.ok) {
            void r.body?.cancel();
            return null;
          }
          wait = retryAfter(r.headers.get("Retry-After"));
          return r.json().catch(() => ({ status: r.status, detail: r.statusText }));
        }).catch(() => null).then((problem) => {
          if (this.closed) return;
          if (problem && final(problem.status)) {
            this.onError(problem);
            return;
          }
          this.timer = setTimeout(() => this._open(), this.backoff.next(wait));
        });
      };
    }
  };
  globalThis.MohallaLive = MohallaLive;
  if (typeof module === "object" && module && module.exports) module.exports = MohallaLive;
})();
