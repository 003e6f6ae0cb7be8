import { ProblemError } from "./problem.js";
import { reduce, type LiveEvent } from "./reduce.js";
import { readSSE, type SSEMessage } from "./sse.js";

/** LiveStatus is where a subscription's stream is: connecting, open, reconnecting, or closed for good. */
export type LiveStatus = "connecting" | "open" | "reconnecting" | "closed";

/**
 * OnChange is called with a topic's new value: after the snapshot (event
 * null), after each change (the event-log entry that made it), and after a
 * reset (event null), when the server could not replay what was missed and
 * sent the current values instead.
 */
export type OnChange = (topic: string, value: unknown, event: LiveEvent | null) => void;

/** SubscribeOptions are the optional callbacks of a subscription. */
export interface SubscribeOptions {
  /** onStatus is told each time the stream's status changes. */
  onStatus?: (status: LiveStatus) => void;
  /** onError gets the problem the server refused the stream with (401, 403, 404, 422); the subscription then closes. */
  onError?: (err: ProblemError) => void;
  /** onReset is called when the server sent current values in place of the changes missed. */
  onReset?: (values: Record<string, unknown>) => void;
  /**
   * lastEventId resumes from a position a previous subscription reached (its
   * lastEventId, kept across a page reload, say): the server replays the
   * changes after it, or resets if it is too far back. Default: start with a
   * snapshot.
   */
  lastEventId?: string;
}

/** Subscription is one live stream of one or more topics. */
export interface Subscription {
  /** value returns the local copy of a topic's value, undefined before the snapshot. */
  value(topic: string): unknown;
  /** lastEventId is the log position the stream would resume from. */
  readonly lastEventId: string;
  readonly status: LiveStatus;
  /** reconnect drops the connection and opens a new one from lastEventId, as after a network failure. */
  reconnect(): void;
  close(): void;
}

interface LiveConfig {
  baseUrl: string;
  token: () => Promise<string | undefined>;
  fetch: typeof globalThis.fetch;
}

/**
 * Live follows the server's live topics: product:{id}, shop:{id}:products,
 * order:{id}, user:{id}:orders and shop:{id}:orders. It reads the stream with
 * fetch, so it runs in browsers and in Node and sends the token in the
 * Authorization header, never in the address.
 */
export class Live {
  constructor(private readonly cfg: LiveConfig) {}

  /**
   * subscribe follows topics, calling onChange with each topic's value: first
   * its current value, then after each change. A dropped connection reconnects
   * by itself, with backoff, from the last event seen (Last-Event-ID), so no
   * change is missed or applied twice.
   */
  subscribe(topics: string | string[], onChange: OnChange, opts: SubscribeOptions = {}): Subscription {
    return new Stream(this.cfg, typeof topics === "string" ? [topics] : topics.slice(), onChange, opts);
  }
}

const minDelay = 1000;
const maxDelay = 30000;

class Stream implements Subscription {
  private values = new Map<string, unknown>();
  lastEventId = "";
  status: LiveStatus = "connecting";
  private closed = false;
  private abort: AbortController | undefined;
  private delay = minDelay;
  private serverDelay = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly cfg: LiveConfig, private readonly topics: string[],
    private readonly onChange: OnChange, private readonly opts: SubscribeOptions) {
    this.lastEventId = opts.lastEventId ?? "";
    void this.run();
  }

  value(topic: string): unknown {
    return this.values.get(topic);
  }

  reconnect(): void {
    this.abort?.abort();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort?.abort();
    clearTimeout(this.timer);
    this.setStatus("closed");
  }

  private setStatus(s: LiveStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.opts.onStatus?.(s);
  }

  // run connects until the subscription is closed or the server refuses it.
  private async run(): Promise<void> {
    while (!this.closed) {
      const refused = await this.connect();
      if (this.closed) return;
      if (refused) {
        this.opts.onError?.(refused);
        this.close();
        return;
      }
      this.setStatus("reconnecting");
      await new Promise((resolve) => { this.timer = setTimeout(resolve, Math.max(this.delay, this.serverDelay)); });
      this.delay = Math.min(this.delay * 2, maxDelay);
    }
  }

  // connect reads one connection until it ends. It returns the problem of a
  // refusal that retrying will not mend, or undefined to reconnect.
  private async connect(): Promise<ProblemError | undefined> {
    const abort = new AbortController();
    this.abort = abort;
    const url = new URL(this.cfg.baseUrl + "/v1/live", globalThis.location?.href ?? "http://localhost/");
    url.searchParams.set("topics", this.topics.join(","));
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    const token = await this.cfg.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.lastEventId) headers["Last-Event-ID"] = this.lastEventId;
    try {
      const r = await this.cfg.fetch(url, { headers, signal: abort.signal, cache: "no-store" });
      if (!r.ok || !r.body) {
        const p = await ProblemError.fromResponse(r);
        if (p.status === 429) {
          // Too many streams, or opened too fast: try again when the server says.
          this.serverDelay = 1000 * (Number(r.headers.get("Retry-After")) || 1);
          return undefined;
        }
        return p.status >= 400 && p.status < 500 ? p : undefined; // 5xx: the server may come back
      }
      this.setStatus("open");
      this.delay = minDelay;
      let resync = false;
      await readSSE(r.body, (m) => {
        if (this.closed || abort.signal.aborted) return;
        if (m.retry) this.serverDelay = m.retry;
        if (this.handle(m)) {
          resync = true;
          abort.abort();
        }
      });
      if (resync) this.delay = this.serverDelay = 0; // reconnect at once from the last id, with a fresh token
    } catch {
      // a dropped connection, or reconnect(): either way, reconnect
    }
    return undefined;
  }

  // handle applies one message; it returns true when the server asks for a resync.
  private handle(m: SSEMessage): boolean {
    switch (m.event) {
      case "snapshot":
      case "reset": {
        const values = (JSON.parse(m.data) as { values?: Record<string, unknown> }).values ?? {};
        for (const [topic, v] of Object.entries(values)) {
          this.values.set(topic, v);
          this.onChange(topic, v, null);
        }
        if (m.event === "reset") this.opts.onReset?.(values);
        break;
      }
      case "change": {
        const msg = JSON.parse(m.data) as { topics: string[]; event: LiveEvent };
        for (const topic of msg.topics) {
          const v = reduce(topic, this.values.get(topic), msg.event);
          this.values.set(topic, v);
          this.onChange(topic, v, msg.event);
        }
        break;
      }
      case "resync": // fell behind
      case "end": // the token expired, or the stream reached its longest lifetime
        return true;
    }
    if (m.id) this.lastEventId = m.id;
    return false;
  }
}
