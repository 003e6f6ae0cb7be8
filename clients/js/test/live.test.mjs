// Live subscriptions against a real server: snapshot, changes, resume through
// a forced disconnect, reset, refusal.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createClient, ProblemError } from "../dist/index.js";
import { startProxy, startServer, waitFor } from "../scripts/server.mjs";

let srv, proxy, admin, owner, customer, ownerToken, shop;
const address = { street: "Flat 4, Gulmohar, Linking Road", city: "Mumbai", pincode: "400050", state: "Maharashtra" };

before(async () => {
  srv = await startServer();
  proxy = await startProxy(srv.url);
  admin = createClient({ baseUrl: srv.url, token: srv.token("ts-admin", "admin") });
  shop = await admin.call({ method: "GET", path: "/v1/shops/demo-shop-02" });
  ownerToken = srv.token(shop.ownerId, "shop_owner");
  owner = createClient({ baseUrl: srv.url, token: ownerToken });
  customer = createClient({ baseUrl: srv.url, token: srv.token("ts-live-customer", "customer", "live@example.in") });
  await customer.createUser({ id: "ts-live-customer", email: "live@example.in", name: "Live Customer" });
});

after(async () => {
  await proxy?.close();
  await srv?.stop();
});

// touches lists the subscribed topics an event changes, as the server maps them.
function touches(e, productId, shopId) {
  if (e.name.startsWith("product/") && e.data.productId === productId) return true;
  return e.name.startsWith("order/") && e.data.shopId === shopId;
}

test("resume through a forced disconnect: every change once, in log order, none missed", async () => {
  const p = await owner.createProduct({ name: "Alphonso Mango Box", price: 650, category: "fruits", shopId: shop.id, stock: 50 });
  const live = createClient({ baseUrl: proxy.url, token: ownerToken });
  const topics = [`product:${p.id}`, `shop:${shop.id}:orders`];
  const seen = [];
  const statuses = [];
  const resets = [];
  const sub = live.live.subscribe(topics, (topic, value, ev) => { if (ev) seen.push(ev.id); }, {
    onStatus: (s) => statuses.push(s),
    onReset: (v) => resets.push(v),
  });
  try {
    await waitFor("the snapshot", () => sub.value(topics[0]) && sub.value(topics[1]));
    assert.equal(sub.value(topics[0]).stock, 50);
    const from = sub.lastEventId;
    assert.ok(from, "the snapshot carries a position");

    for (const d of [1, 2, 3]) await owner.updateProductStock(p.id, d);
    await waitFor("the first changes", () => sub.value(topics[0]).stock === 56);

    proxy.cut();
    await waitFor("the stream to notice the cut", () => statuses.includes("reconnecting"));
    // Written while the client cannot reach the server.
    await owner.updateProductStock(p.id, -4);
    const o = await customer.createOrder({ userId: "ts-live-customer", items: [{ productId: p.id, quantity: 2 }], deliveryAddress: address });
    await owner.updateOrderStatus(o.id, "confirmed", shop.id);
    await owner.updateProduct(p.id, { price: 599 });
    await owner.updateProductStock(p.id, 10);
    const want = await owner.getProduct(p.id);
    proxy.resume();

    // Generous: the client backs off up to 30 s between attempts while cut off.
    await waitFor("the missed changes", () => {
      const v = sub.value(topics[0]);
      const orders = sub.value(topics[1]);
      return v.version === want.version && orders.some((x) => x.id === o.id && x.status === "confirmed");
    }, 180000);
    const v = sub.value(topics[0]);
    for (const k of ["id", "name", "price", "stock", "version", "shopId", "category"]) assert.deepEqual(v[k], want[k], k);

    const log = await admin.call({ method: "GET", path: "/v1/events", query: { after: from, limit: 1000 } });
    const expected = log.items.filter((e) => touches(e, p.id, shop.id)).map((e) => e.id);
    assert.ok(expected.length >= 8, `expected at least 8 events, log has ${expected.length}`);
    assert.deepEqual(seen, expected);
    assert.deepEqual(resets, [], "resumed by replay, not reset");
    assert.equal(sub.status, "open");
  } finally {
    sub.close();
  }
});

test("a position the server cannot replay from resets: the current values arrive again", async () => {
  const topic = "product:demo-product-00002";
  const resets = [];
  const values = [];
  const sub = createClient({ baseUrl: srv.url }).live.subscribe(topic, (t, v, ev) => values.push([t, v, ev]), {
    lastEventId: "not-a-position",
    onReset: (v) => resets.push(v),
  });
  try {
    await waitFor("the reset", () => resets.length === 1);
    const want = await admin.getProduct("demo-product-00002");
    assert.equal(resets[0][topic].id, want.id);
    assert.equal(sub.value(topic).stock, want.stock);
    assert.deepEqual(values.map(([t, , ev]) => [t, ev]), [[topic, null]]);
  } finally {
    sub.close();
  }
});

test("a stream the server refuses closes with its problem", async () => {
  let err;
  const sub = createClient({ baseUrl: srv.url }).live.subscribe(`shop:${shop.id}:orders`, () => assert.fail("no value"), {
    onError: (e) => { err = e; },
  });
  await waitFor("the refusal", () => err);
  assert.ok(err instanceof ProblemError);
  assert.equal(err.status, 401);
  assert.equal(sub.status, "closed");

  const bad = createClient({ baseUrl: srv.url }).live.subscribe("nonsense:1", () => {}, { onError: (e) => { err = e; } });
  await waitFor("the refusal", () => err.status === 422);
  assert.equal(err.code, "invalid");
  bad.close();
});

// recording returns a fetch that records the status of each GET /v1/live and
// when it was answered.
function recording() {
  const streams = [];
  const f = async (url, init) => {
    const r = await fetch(url, init);
    if (new URL(url).pathname === "/v1/live") streams.push({ status: r.status, at: Date.now() });
    return r;
  };
  return { fetch: f, streams };
}

test("an end reconnects at once from the last id with a fresh token: no refusal, nothing missed", async () => {
  const p = await owner.createProduct({ name: "Ratnagiri Kesar Box", price: 720, category: "fruits", shopId: shop.id, stock: 30 });
  const topic = `product:${p.id}`;
  // Each token lives 3 s, so each stream ends at its token's expiry; reopening
  // with the expired one would be refused with 401.
  let tokens = 0;
  const rec = recording();
  const c = createClient({ baseUrl: srv.url, fetch: rec.fetch,
    token: () => { tokens++; return srv.token(shop.ownerId, "shop_owner", undefined, "3s"); } });
  const seen = [];
  const problems = [];
  const resets = [];
  const sub = c.live.subscribe(topic, (t, v, ev) => { if (ev) seen.push(ev.id); }, {
    onError: (e) => problems.push(e), onReset: (v) => resets.push(v),
  });
  try {
    await waitFor("the snapshot", () => sub.value(topic));
    const from = sub.lastEventId;
    await waitFor("the first end's reconnection", () => rec.streams.length >= 2);
    await owner.updateProductStock(p.id, -3);
    await waitFor("the second end's reconnection", () => rec.streams.length >= 3);
    await owner.updateProductStock(p.id, 7);
    await waitFor("the changes", () => sub.value(topic).stock === 34);

    assert.deepEqual(problems, []);
    assert.deepEqual(resets, [], "resumed by replay, not reset");
    assert.ok(rec.streams.every((s) => s.status === 200), `the server answered ${JSON.stringify(rec.streams)}`);
    assert.ok(tokens >= rec.streams.length, `${tokens} tokens asked for ${rec.streams.length} streams`);
    const log = await admin.call({ method: "GET", path: "/v1/events", query: { after: from, limit: 1000 } });
    assert.deepEqual(seen, log.items.filter((e) => e.name.startsWith("product/") && e.data.productId === p.id).map((e) => e.id));
    assert.equal(seen.length, 2);
  } finally {
    sub.close();
  }
});

test("a 429 is retried after its Retry-After, not reported", async () => {
  // One stream per caller: a second one is refused with 429 and Retry-After: 5
  // until the first closes.
  const one = await startServer({ scale: 1, args: ["--max-streams", "1"] });
  try {
    const token = one.token("ts-429-customer", "customer");
    const topic = "product:demo-product-00001";
    const first = createClient({ baseUrl: one.url, token }).live.subscribe(topic, () => {});
    await waitFor("the first stream", () => first.value(topic));
    const rec = recording();
    const statuses = [];
    const problems = [];
    const second = createClient({ baseUrl: one.url, token, fetch: rec.fetch }).live.subscribe(topic, () => {}, {
      onStatus: (s) => statuses.push(s), onError: (e) => problems.push(e),
    });
    try {
      await waitFor("the refusal", () => rec.streams.length === 1);
      assert.equal(rec.streams[0].status, 429);
      first.close();
      await waitFor("the second stream's snapshot", () => second.value(topic));
      assert.deepEqual(rec.streams.map((s) => s.status), [429, 200]);
      // Not the backoff's first 1 s: the server's 5.
      assert.ok(rec.streams[1].at - rec.streams[0].at >= 4900, `retried after ${rec.streams[1].at - rec.streams[0].at} ms`);
      assert.deepEqual(problems, []);
      assert.deepEqual(statuses, ["reconnecting", "open"]);
    } finally {
      second.close();
    }
  } finally {
    await one.stop();
  }
});
