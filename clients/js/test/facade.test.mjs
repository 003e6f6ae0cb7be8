// Every facade call against a real server, and the errors it throws.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createClient, ProblemError } from "../dist/index.js";
import { startServer, waitFor } from "../scripts/server.mjs";

let srv, admin, anon, customer, owner, shop, product;
const address = { street: "Flat 302, Sai Darshan CHS, Hill Road", city: "Mumbai", pincode: "400050", state: "Maharashtra" };

before(async () => {
  srv = await startServer();
  admin = createClient({ baseUrl: srv.url, token: srv.token("ts-admin", "admin") });
  anon = createClient({ baseUrl: srv.url });
  shop = await anon.call({ method: "GET", path: "/v1/shops/demo-shop-01" });
  owner = createClient({ baseUrl: srv.url, token: srv.token(shop.ownerId, "shop_owner") });
  customer = createClient({ baseUrl: srv.url, token: () => srv.token("ts-customer", "customer", "ts@example.in") });
});

after(async () => { await srv?.stop(); });

describe("facade", () => {
  test("createUser and getUser; a repeat with the same key creates one user", async () => {
    const key = "ts-user-key-1";
    const u = await customer.createUser({ id: "ts-customer", email: "ts@example.in", name: "Asha Rao" }, { idempotencyKey: key });
    assert.equal(u.id, "ts-customer");
    assert.equal(u.name, "Asha Rao");
    const again = await customer.createUser({ id: "ts-customer", email: "ts@example.in", name: "Asha Rao" }, { idempotencyKey: key });
    assert.deepEqual(again, u);
    assert.deepEqual(await customer.getUser("ts-customer"), u);
  });

  test("createProduct, updateProduct, updateProductStock, getProduct", async () => {
    product = await owner.createProduct({ name: "Kesar Pista Kulfi", price: 45.5, category: "dairy", shopId: shop.id, stock: 10, unit: "1 stick" });
    assert.equal(product.shopId, shop.id);
    assert.equal(product.price, 45.5);
    assert.equal(product.stock, 10);
    const changed = await owner.updateProduct(product.id, { price: 49, name: "Kesar Pista Kulfi Stick" });
    assert.equal(changed.price, 49);
    assert.equal(changed.name, "Kesar Pista Kulfi Stick");
    assert.ok(changed.version > product.version);
    const stocked = await owner.updateProductStock(product.id, 5, "delivery");
    assert.equal(stocked.stock, 15);
    product = await anon.getProduct(product.id);
    assert.equal(product.stock, 15);
  });

  test("searchProducts finds the new product once it is indexed", async () => {
    const res = await waitFor("the product in search", async () => {
      let r;
      try {
        r = await anon.searchProducts({ q: "kulfi", shopId: shop.id, inStock: true, minPrice: 40, maxPrice: 60, facets: ["category"] });
      } catch (err) {
        // A server just started answers 503 "unavailable" until its index is
        // built (up to a couple of seconds): not yet, as the answer says.
        if (err instanceof ProblemError && err.code === "unavailable") return false;
        throw err;
      }
      return r.hits.some((h) => h.id === product.id) && r;
    });
    assert.ok(res.found >= 1);
    assert.ok(res.facets?.category?.some((f) => f.value === "dairy"), JSON.stringify(res.facets));
  });

  test("createOrder reserves stock once however often it is retried; updateOrderStatus; listOrders", async () => {
    const order = { userId: "ts-customer", items: [{ productId: product.id, quantity: 2 }], deliveryAddress: address };
    const key = "ts-order-key-1";
    const o = await customer.createOrder(order, { idempotencyKey: key });
    assert.equal(o.status, "pending");
    assert.equal(o.totalAmount, 98);
    const again = await customer.createOrder(order, { idempotencyKey: key });
    assert.equal(again.id, o.id);
    assert.equal((await anon.getProduct(product.id)).stock, 13);

    const confirmed = await owner.updateOrderStatus(o.id, "confirmed", shop.id);
    assert.equal(confirmed.status, "confirmed");
    const mine = await customer.listOrders({ userId: "ts-customer" });
    assert.deepEqual(mine.items.map((x) => [x.id, x.status]), [[o.id, "confirmed"]]);
    const shops = await owner.listOrders({ shopId: shop.id, limit: 500 });
    assert.ok(shops.items.some((x) => x.id === o.id));

    // Without a key each call is a new order.
    const other = await customer.createOrder(order);
    assert.notEqual(other.id, o.id);
    assert.equal((await anon.getProduct(product.id)).stock, 11);
  });

  test("sendEvent sends product/viewed with an id, stored once", async () => {
    const ev = { id: "ts-view-1", name: "product/viewed", data: { productId: product.id, userId: "ts-customer" } };
    const r = await admin.sendEvent(ev);
    assert.deepEqual(r.ids, ["ts-view-1"]);
    const r2 = await admin.sendEvent([{ name: "product/viewed", data: { productId: product.id } }, ev]);
    assert.equal(r2.ids.length, 2);
    assert.equal(r2.ids[1], "ts-view-1");
    assert.ok(r2.ids[0]);
    const log = await admin.call({ method: "GET", path: "/v1/events", query: { name: "product/viewed", limit: 1000 } });
    assert.equal(log.items.filter((e) => e.id === "ts-view-1").length, 1);
  });

  test("a customer sends product/viewed, one at a time, in their own name", async () => {
    const r = await customer.sendEvent({ name: "product/viewed", data: { productId: product.id, userId: "someone-else" } });
    assert.equal(r.ids.length, 1);
    const log = await admin.call({ method: "GET", path: "/v1/events", query: { name: "product/viewed", limit: 1000 } });
    const ev = log.items.find((e) => e.id === r.ids[0]);
    assert.equal(ev.data.userId, "ts-customer");
    assert.equal(ev.user.sub, "ts-customer");
  });
});

describe("errors", () => {
  // rejects asserts that p fails with a ProblemError of status and code.
  async function rejects(p, status, code) {
    const err = await p.then(() => assert.fail("no error"), (e) => e);
    assert.ok(err instanceof ProblemError, String(err));
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    return err;
  }

  test("invalid input names each field", async () => {
    const err = await rejects(owner.createProduct({ name: "", price: -1, category: "dairy", shopId: shop.id, stock: 1 }), 422, "invalid");
    assert.ok(err.fieldError("name"), JSON.stringify(err.errors));
    assert.ok(err.fieldError("price"), JSON.stringify(err.errors));
    assert.equal(err.fieldError("category"), undefined);
  });

  test("not found, unauthenticated, forbidden", async () => {
    await rejects(admin.getUser("ts-nobody"), 404, "not_found");
    await rejects(anon.createOrder({ userId: "ts-customer", items: [{ productId: "demo-product-00001", quantity: 1 }], deliveryAddress: address }), 401, "unauthenticated");
    await rejects(customer.sendEvent({ name: "cart/viewed", data: { productId: "demo-product-00001" } }), 403, "forbidden");
    await rejects(createClient({ baseUrl: srv.url, token: "not-a-token" }).getUser("ts-customer"), 401, "unauthenticated");
  });

  test("a disallowed status change and too little stock carry their facts", async () => {
    const o = await customer.createOrder({ userId: "ts-customer", items: [{ productId: product.id, quantity: 1 }], deliveryAddress: address });
    const err = await rejects(owner.updateOrderStatus(o.id, "delivered", shop.id), 409, "conflict");
    assert.ok(err.problem.allowed, JSON.stringify(err.problem));
    const short = await rejects(customer.createOrder({ userId: "ts-customer", items: [{ productId: product.id, quantity: 1000 }], deliveryAddress: address }), 409, "conflict");
    assert.equal(short.problem.productId, product.id, JSON.stringify(short.problem));
  });
});
