// The source of live/web/client.js, the no-build-step browser client the
// server serves at /v1/live/client.js (npm run build:client-js bundles it with
// esbuild; the contract test fails if the served copy is stale). It applies
// changes with the same reduce as @mohallamart/client, so the two keep topic
// values alike; it reads the stream with the browser's EventSource.
import { reduce, type LiveEvent } from "../src/reduce.js";

interface Options {
  url?: string;
  token?: string;
  onChange?: (topic: string, value: unknown, event: LiveEvent | null) => void;
  onError?: (problem: { status: number; detail?: string }) => void;
  onStatus?: (status: string) => void;
}

class MohallaLive {
  url: string;
  token: string;
  topics: string[];
  onChange: NonNullable<Options["onChange"]>;
  onError: NonNullable<Options["onError"]>;
  onStatus: NonNullable<Options["onStatus"]>;
  values = new Map<string, unknown>();
  lastId = "";
  retry = 1000;
  closed = false;
  es: EventSource | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(topics: string[], opts: Options = {}) {
    this.url = opts.url || "/v1/live";
    this.token = opts.token || "";
    this.topics = topics.slice();
    this.onChange = opts.onChange || function () {};
    this.onError = opts.onError || function () {};
    this.onStatus = opts.onStatus || function () {};
    this._open();
  }

  // value returns the local copy of a topic's value.
  value(topic: string): unknown { return this.values.get(topic); }

  close(): void {
    this.closed = true;
    if (this.es) this.es.close();
    clearTimeout(this.timer);
  }

  _src(): string {
    const q = new URLSearchParams({ topics: this.topics.join(",") });
    if (this.token) q.set("token", this.token);
    if (this.lastId) q.set("lastEventId", this.lastId);
    return this.url + "?" + q.toString();
  }

  _open(): void {
    if (this.closed) return;
    const es = new EventSource(this._src());
    this.es = es;
    const track = (e: MessageEvent) => { if (e.lastEventId) this.lastId = e.lastEventId; };
    const setAll = (e: MessageEvent) => {
      track(e);
      const values = (JSON.parse(e.data) as { values?: Record<string, unknown> }).values || {};
      for (const [topic, v] of Object.entries(values)) {
        this.values.set(topic, v);
        this.onChange(topic, v, null);
      }
    };
    es.onopen = () => { this.retry = 1000; this.onStatus("open"); };
    es.addEventListener("snapshot", setAll);
    es.addEventListener("reset", setAll);
    es.addEventListener("change", (e: MessageEvent) => {
      track(e);
      const msg = JSON.parse(e.data) as { topics: string[]; event: LiveEvent };
      for (const topic of msg.topics) {
        const v = reduce(topic, this.values.get(topic), msg.event);
        this.values.set(topic, v);
        this.onChange(topic, v, msg.event);
      }
    });
    es.addEventListener("heartbeat", track);
    es.addEventListener("resync", () => { es.close(); this.onStatus("resync"); this._open(); });
    es.onerror = () => {
      if (es.readyState !== EventSource.CLOSED) { this.onStatus("reconnecting"); return; }
      // The server refused the stream (or is gone): ask it why.
      this.onStatus("closed");
      fetch(this._src(), { headers: { Accept: "application/problem+json" } }).then((r) => {
        if (r.ok) { void r.body?.cancel(); return null; }
        return r.json().catch(() => ({ status: r.status, detail: r.statusText }));
      }).catch(() => null).then((problem: { status: number; detail?: string } | null) => {
        if (this.closed) return; // closed while asking
        if (problem && problem.status >= 400 && problem.status < 500) {
          this.onError(problem); // 401, 403, 404, 422: retrying will not help
          return;
        }
        this.timer = setTimeout(() => this._open(), this.retry);
        this.retry = Math.min(this.retry * 2, 30000);
      });
    };
  }
}

// MohallaLive.reduce is the function that applies a change to a value.
Object.assign(MohallaLive, { reduce });
(globalThis as unknown as { MohallaLive: typeof MohallaLive }).MohallaLive = MohallaLive;
