// reduce applies one change event to a topic's local value, for the package's
// subscriptions and the server's client.js alike (see follow.ts).
import type { Order, Product } from "./types.js";

/** LiveEvent is the event-log entry a change carries: {id, name, data, user, ts, v}. */
export interface LiveEvent {
  id: string;
  name: string;
  data: Record<string, any>;
  ts: number;
  user?: Record<string, unknown>;
  v?: number;
}

/** kindOf names a topic's kind: product, order, shop-products, user-orders or shop-orders. */
export function kindOf(topic: string): string {
  const p = topic.split(":");
  return p.length === 2 ? p[0]! : `${p[0]}-${p[2]}`;
}

function newer(d: { version?: number }, cur: { version?: number } | undefined): boolean {
  return !(d.version && cur && cur.version && d.version <= cur.version);
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

function patchProduct(p: Product | undefined, ev: LiveEvent): Product | undefined {
  const d = ev.data;
  if (ev.name === "product/created") {
    if (p) return p;
    // The fields in the order and the shape the server writes them.
    const q: Record<string, unknown> = { id: d.productId, shopId: d.shopId, name: d.name };
    if (d.description) q.description = d.description;
    Object.assign(q, { price: d.price, category: d.category });
    if (d.unit) q.unit = d.unit;
    return Object.assign(q, { stock: d.stock, lowStockThreshold: d.lowStockThreshold || 0,
      version: d.version, createdAt: iso(ev.ts), updatedAt: iso(ev.ts) }) as unknown as Product;
  }
  if (!p || !newer(d, p)) return p;
  const q: Record<string, unknown> = { ...p };
  if (ev.name === "product/updated") {
    for (const [field, c] of Object.entries((d.changes || {}) as Record<string, { new: unknown }>)) q[field] = c.new;
  }
  if (ev.name === "product/deleted") q.deletedAt = iso(ev.ts);
  if (d.version) q.version = d.version;
  q.updatedAt = iso(ev.ts);
  return q as unknown as Product;
}

function patchOrder(o: Order | undefined, ev: LiveEvent): Order | undefined {
  const d = ev.data;
  if (ev.name === "order/created") {
    return o ?? ({ id: d.orderId, userId: d.userId, shopId: d.shopId, items: d.items,
      totalAmount: d.totalAmount, status: d.status, deliveryAddress: d.deliveryAddress,
      version: 1, createdAt: iso(ev.ts), updatedAt: iso(ev.ts) } as Order);
  }
  if (!o || !newer(d, o)) return o;
  return { ...o, status: d.status, version: d.version, updatedAt: iso(ev.ts) };
}

function patchList<T extends { id: string }>(list: T[] | undefined, ev: LiveEvent, idKey: string,
  patch: (x: T | undefined, ev: LiveEvent) => T | undefined, keep: (x: T) => boolean): T[] {
  const id = ev.data[idKey] as string;
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

/** reduce returns a topic's value after an event. */
export function reduce(topic: string, value: unknown, ev: LiveEvent): unknown {
  switch (kindOf(topic)) {
    case "product": return patchProduct(value as Product | undefined, ev);
    case "order": return patchOrder(value as Order | undefined, ev);
    case "shop-products":
      return patchList(value as Product[] | undefined, ev, "productId", patchProduct, (p) => !p.deletedAt);
    case "user-orders":
    case "shop-orders":
      return patchList(value as Order[] | undefined, ev, "orderId", patchOrder, () => true);
  }
  return value;
}
