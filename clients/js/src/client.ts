import { ProblemError } from "./problem.js";
import { Live } from "./live.js";
import { tokenOf, type Token } from "./follow.js";
import type {
  ChangeStock, CreateOrder, CreateProduct, CreateUser, ListOrdersQuery, Order, OrderPage, OrderStatus,
  Product, ProductResult, SearchProductsQuery, SendEvent, SendResult, UpdateProduct, User,
} from "./types.js";

export type { Token } from "./follow.js";

/** ClientOptions configure createClient. */
export interface ClientOptions {
  /** baseUrl is the server's origin, such as "http://localhost:8080". Default: this page's origin. */
  baseUrl?: string;
  /** token is sent as "Authorization: Bearer <token>"; none means anonymous. */
  token?: Token;
  /** fetch replaces the platform's fetch (for a server-side runtime's own, say). */
  fetch?: typeof globalThis.fetch;
  /**
   * retries is how many times a call that is safe to repeat (a read, or a
   * create with its Idempotency-Key) is tried again after a network failure
   * or a 502, 503 or 504. Default 2.
   */
  retries?: number;
}

/** CreateOptions are the options of a create call. */
export interface CreateOptions {
  /** idempotencyKey makes the create safe to repeat; default: a new random key per call. */
  idempotencyKey?: string;
}

interface Call {
  method: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  /** repeatable writes carry their own key (the events' ids), so a retry stores them once. */
  repeatable?: boolean;
}

/** Client is the MohallaMart API in the seed's vocabulary. Every method throws ProblemError on a 4xx or 5xx. */
export class Client {
  readonly baseUrl: string;
  /** live follows topics over Server-Sent Events. */
  readonly live: Live;
  private readonly opts: ClientOptions;
  private readonly fetch: typeof globalThis.fetch;

  constructor(opts: ClientOptions = {}) {
    this.opts = opts;
    this.baseUrl = (opts.baseUrl ?? globalThis.location?.origin ?? "").replace(/\/$/, "");
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.live = new Live({ baseUrl: this.baseUrl, token: () => this.token(), fetch: this.fetch });
  }

  /** token returns the current token. */
  token(): Promise<string | undefined> {
    return tokenOf(this.opts.token);
  }

  createUser(user: CreateUser, o?: CreateOptions): Promise<User> {
    return this.call({ method: "POST", path: "/v1/users", body: user, idempotencyKey: key(o) });
  }

  getUser(id: string): Promise<User> {
    return this.call({ method: "GET", path: `/v1/users/${enc(id)}` });
  }

  createProduct(product: CreateProduct, o?: CreateOptions): Promise<Product> {
    return this.call({ method: "POST", path: "/v1/products", body: product, idempotencyKey: key(o) });
  }

  getProduct(id: string): Promise<Product> {
    return this.call({ method: "GET", path: `/v1/products/${enc(id)}` });
  }

  updateProduct(id: string, changes: UpdateProduct): Promise<Product> {
    return this.call({ method: "PATCH", path: `/v1/products/${enc(id)}`, body: changes });
  }

  /** updateProductStock adds delta (negative to remove) to a product's stock. */
  updateProductStock(id: string, delta: number, reason?: string): Promise<Product> {
    const body: ChangeStock = { delta, ...(reason ? { reason } : {}) };
    return this.call({ method: "POST", path: `/v1/products/${enc(id)}/stock`, body });
  }

  searchProducts(q: SearchProductsQuery = {}): Promise<ProductResult> {
    const { near, facets, ...rest } = q;
    return this.call({ method: "GET", path: "/v1/search/products", query: {
      ...rest, near: near && `${near.lat},${near.lng}`, facets: facets?.join(","),
    } });
  }

  /** createOrder places an order, reserving its stock; a retry with the same key places it once. */
  createOrder(order: CreateOrder, o?: CreateOptions): Promise<Order> {
    return this.call({ method: "POST", path: "/v1/orders", body: order, idempotencyKey: key(o) });
  }

  getOrder(id: string): Promise<Order> {
    return this.call({ method: "GET", path: `/v1/orders/${enc(id)}` });
  }

  updateOrderStatus(id: string, status: OrderStatus, shopId?: string): Promise<Order> {
    return this.call({ method: "POST", path: `/v1/orders/${enc(id)}/status`,
      body: { status, ...(shopId ? { shopId } : {}) } });
  }

  /** listOrders lists one customer's ({userId}) or one shop's ({shopId}) orders, a page at a time. */
  listOrders(q: ListOrdersQuery = {}): Promise<OrderPage> {
    return this.call({ method: "GET", path: "/v1/orders", query: q });
  }

  /**
   * sendEvent sends one event or several. Each gets an id when it has none, so
   * a retry stores it once. A customer may send product/viewed
   * ({productId}), one per call, in their own name (the server sets
   * data.userId to the caller); admins and services any event but the data
   * layer's own. Others get a 403 ProblemError.
   */
  sendEvent(events: SendEvent | SendEvent[]): Promise<SendResult> {
    const list = (Array.isArray(events) ? events : [events]).map((e) => ({ ...e, id: e.id ?? newKey() }));
    return this.call({ method: "POST", path: "/v1/events", body: Array.isArray(events) ? list : list[0],
      repeatable: true });
  }

  /** call sends one request and returns its JSON body; it is the facade's only way to the server. */
  async call<T>(c: Call): Promise<T> {
    const url = new URL(this.baseUrl + c.path, globalThis.location?.href ?? "http://localhost/");
    for (const [k, v] of Object.entries(c.query ?? {})) {
      if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = await this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (c.body !== undefined) headers["Content-Type"] = "application/json";
    if (c.idempotencyKey) headers["Idempotency-Key"] = c.idempotencyKey;
    const init: RequestInit = { method: c.method, headers, body: c.body === undefined ? undefined : JSON.stringify(c.body) };
    // Only what is safe to repeat is repeated: reads, and writes that carry
    // their own key (an Idempotency-Key, or the events' ids).
    const tries = 1 + (c.method === "GET" || c.idempotencyKey || c.repeatable ? (this.opts.retries ?? 2) : 0);
    for (let i = 1; ; i++) {
      let r: Response;
      try {
        r = await this.fetch(url, init);
      } catch (err) {
        if (i >= tries) throw err;
        await sleep(200 * 2 ** i);
        continue;
      }
      if (r.ok) return (r.status === 204 ? undefined : await r.json()) as T;
      if (i < tries && (r.status === 502 || r.status === 503 || r.status === 504)) {
        await r.body?.cancel();
        await sleep(200 * 2 ** i);
        continue;
      }
      throw await ProblemError.fromResponse(r);
    }
  }
}

/** createClient returns a Client of the server at opts.baseUrl. */
export function createClient(opts: ClientOptions = {}): Client {
  return new Client(opts);
}

/** newKey returns a new random key, usable as an Idempotency-Key or an event id. */
export function newKey(): string {
  return globalThis.crypto.randomUUID();
}

function key(o?: CreateOptions): string {
  return o?.idempotencyKey ?? newKey();
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
