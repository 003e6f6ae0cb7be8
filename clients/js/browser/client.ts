// The source of live/web/client.js, the no-build-step browser client the
// server serves at /v1/live/client.js: `npm run gen` bundles it with esbuild,
// and the contract test fails if the committed copy is stale. Its rules
// (values, position, reset, resync, end, backoff, which refusals are final)
// are those of @mohallamart/client's subscriptions (src/follow.ts); only the
// transport differs: the browser's EventSource, which sends no headers, so the
// token goes in the address.
import { Backoff, Follow, final, retryAfter, tokenOf, type OnChange, type Token } from "../src/follow.js";
import { reduce } from "../src/reduce.js";

/** Problem is what onError is told: the server's problem, or status 0 when the token function failed. */
interface Problem {
  status: number;
  detail?: string;
}

interface Options {
  url?: string;
  token?: Token;
  onChange?: OnChange;
  onError?: (problem: Problem) => void;
  onStatus?: (status: string) => void;
}

class MohallaLive {
  static reduce = reduce;
  url: string;
  token: Token;
  topics: string[];
  onChange: OnChange;
  onError: (problem: Problem) => void;
  onStatus: (status: string) => void;
  closed = false;
  es: EventSource | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  private follow: Follow;
  private backoff = new Backoff();

  constructor(topics: string[], opts: Options = {}) {
    this.url = opts.url || "/v1/live";
    this.token = opts.token || "";
    this.topics = topics.slice();
    this.onChange = opts.onChange || function () {};
    this.onError = opts.onError || function () {};
    this.onStatus = opts.onStatus || function () {};
    this.follow = new Follow({
      onChange: (topic, value, event) => this.onChange(topic, value, event),
      onReset: () => this.onStatus("reset"),
    });
    this._open();
  }

  /** lastId is the log position the client resumes from. */
  get lastId(): string { return this.follow.lastEventId; }

  /** values holds the local copy of each topic's value. */
  get values(): Map<string, unknown> { return this.follow.values; }

  /** value returns the local copy of a topic's value. */
  value(topic: string): unknown { return this.follow.values.get(topic); }

  close(): void {
    this.closed = true;
    if (this.es) this.es.close();
    clearTimeout(this.timer);
  }

  _src(token: string): string {
    const q = new URLSearchParams({ topics: this.topics.join(",") });
    if (token) q.set("token", token);
    if (this.lastId) q.set("lastEventId", this.lastId);
    return this.url + "?" + q.toString();
  }

  // _open connects with the token, asking the token function for a fresh
  // one first if there is one.
  _open(): void {
    if (this.closed) return;
    if (typeof this.token !== "function") { this._connect(this.token || ""); return; }
    tokenOf(this.token).then(
      (token) => this._connect(token || ""),
      (err) => { if (!this.closed) this.onError({ status: 0, detail: "no token: " + err }); });
  }

  _connect(token: string): void {
    if (this.closed) return;
    const es = new EventSource(this._src(token));
    this.es = es;
    for (const name of ["snapshot", "reset", "change", "heartbeat", "resync", "end"]) {
      es.addEventListener(name, (e) => {
        const again = this.follow.apply(name, (e as MessageEvent).data, (e as MessageEvent).lastEventId);
        if (again) { // at once, from the last id, with a fresh token
          es.close();
          this.onStatus(again);
          this._open();
        }
      });
    }
    es.onopen = () => { this.backoff.opened(); this.onStatus("open"); };
    es.onerror = () => {
      // The browser reconnects by itself, with Last-Event-ID.
      if (es.readyState !== EventSource.CLOSED) { this.onStatus("reconnecting"); return; }
      // The server refused the stream (or is gone): ask it why.
      this.onStatus("closed");
      let wait = 0;
      fetch(this._src(token), { headers: { Accept: "application/problem+json" } }).then((r) => {
        if (r.ok) { void r.body?.cancel(); return null; }
        wait = retryAfter(r.headers.get("Retry-After"));
        return r.json().catch(() => ({ status: r.status, detail: r.statusText }));
      }).catch(() => null).then((problem: Problem | null) => {
        if (this.closed) return; // closed while asking
        if (problem && final(problem.status)) {
          this.onError(problem); // 401, 403, 404, 422: retrying will not help
          return;
        }
        // A 429 says when to come back; anything else backs off.
        this.timer = setTimeout(() => this._open(), this.backoff.next(wait));
      });
    };
  }
}

declare const module: { exports: unknown } | undefined;
(globalThis as unknown as { MohallaLive: typeof MohallaLive }).MohallaLive = MohallaLive;
if (typeof module === "object" && module && module.exports) module.exports = MohallaLive;
