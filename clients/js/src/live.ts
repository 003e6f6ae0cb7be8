import { ProblemError } from "./problem.js";
import { Backoff, Follow, final, retryAfter, type OnChange } from "./follow.js";
import { readSSE } from "./sse.js";

export type { OnChange } from "./follow.js";

/** LiveStatus is where a subscription's stream is: connecting, open, reconnecting, or closed for good. */
export type LiveStatus = "connecting" | "open" | "reconnecting" | "closed";

/** SubscribeOptions are the optional callbacks of a subscription. */
export interface SubscribeOptions {
  /** onStatus is told each time the stream's status changes. */
  onStatus?: (status: LiveStatus) => void;
  /** onError gets the problem the server refused the stream with (401, 403, 404, 422), or one of status 0 when the token function failed; the subscription then closes. */
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

class Stream implements Subscription {
  status: LiveStatus = "connecting";
  private readonly follow: Follow;
  private readonly backoff = new Backoff();
  private closed = false;
  private abort: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  // serverRetry is the stream's own retry field: its wait after a dropped connection.
  private serverRetry = 0;

  constructor(private readonly cfg: LiveConfig, private readonly topics: string[],
    onChange: OnChange, private readonly opts: SubscribeOptions) {
    this.follow = new Follow({ onChange, onReset: opts.onReset }, opts.lastEventId ?? "");
    void this.run();
  }

  get lastEventId(): string {
    return this.follow.lastEventId;
  }

  value(topic: string): unknown {
    return this.follow.values.get(topic);
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
      const next = await this.connect();
      if (this.closed) return;
      if (next instanceof ProblemError) {
        this.opts.onError?.(next);
        this.close();
        return;
      }
      this.setStatus("reconnecting");
      if (next > 0) await new Promise((resolve) => { this.timer = setTimeout(resolve, next); });
    }
  }

  // connect reads one connection until it ends. It returns the problem of a
  // refusal that retrying will not mend, or how long to wait before
  // connecting again: none after a resync or an end, a 429's Retry-After,
  // else the backoff.
  private async connect(): Promise<ProblemError | number> {
    const abort = new AbortController();
    this.abort = abort;
    const url = new URL(this.cfg.baseUrl + "/v1/live", globalThis.location?.href ?? "http://localhost/");
    url.searchParams.set("topics", this.topics.join(","));
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    let token: string | undefined;
    try {
      token = await this.cfg.token();
    } catch (err) {
      return new ProblemError({ type: "about:blank", title: "No token", status: 0, detail: `no token: ${err}` });
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.lastEventId) headers["Last-Event-ID"] = this.lastEventId;
    let again: string | undefined;
    try {
      const r = await this.cfg.fetch(url, { headers, signal: abort.signal, cache: "no-store" });
      if (!r.ok || !r.body) {
        const p = await ProblemError.fromResponse(r);
        // A 429 (too many streams, or opened too fast) says when to come back; a 5xx may mend.
        return final(r.status) ? p : this.backoff.next(retryAfter(r.headers.get("Retry-After")));
      }
      this.setStatus("open");
      this.backoff.opened();
      await readSSE(r.body, (m) => {
        if (this.closed || abort.signal.aborted) return true;
        if (m.retry) this.serverRetry = m.retry;
        again = this.follow.apply(m.event, m.data, m.id);
        return again !== undefined;
      });
    } catch {
      // a dropped connection, or reconnect(): either way, reconnect
    }
    // After a resync or an end, at once from the last id (with a fresh token).
    return again ? 0 : this.backoff.next(this.serverRetry);
  }
}
