// The live client's rules, whatever carries the stream: the package's
// subscriptions read it with fetch (src/live.ts), the server's
// /v1/live/client.js with the browser's EventSource (browser/client.ts, built
// into live/web/client.js). Both keep their values and their position here,
// so the two cannot drift apart.
import { reduce, type LiveEvent } from "./reduce.js";

/** Token is a caller's JWT or service API key, or a function that returns the current one. */
export type Token = string | undefined | (() => string | undefined | Promise<string | undefined>);

/** tokenOf returns the current token: the string, or what the function returns (asked at each call). */
export async function tokenOf(t: Token): Promise<string | undefined> {
  return typeof t === "function" ? await t() : t;
}

/**
 * OnChange is called with a topic's new value: after the snapshot (event
 * null), after each change (the event-log entry that made it), and after a
 * reset (event null), when the server could not replay what was missed and
 * sent the current values instead.
 */
export type OnChange = (topic: string, value: unknown, event: LiveEvent | null) => void;

/** FollowHooks are what a Follow tells its owner. */
export interface FollowHooks {
  onChange: OnChange;
  /** onReset is called after a reset replaced every value. */
  onReset?: (values: Record<string, unknown>) => void;
}

/**
 * Follow is the local copy of a stream's topics and the log position to
 * resume from. The server sends the current values first ("snapshot"), then
 * each change ("change", with its log position as the id). A "reset" (the
 * server could not replay from the last id: too long ago, or not its log)
 * replaces every value as a snapshot does. A "heartbeat" moves the position
 * forward while nothing followed changes. Values only move forward: a change
 * whose version the copy already has is ignored (see reduce).
 */
export class Follow {
  readonly values = new Map<string, unknown>();

  constructor(private readonly hooks: FollowHooks, public lastEventId = "") {}

  /**
   * apply applies one message of the stream. It returns the event's name when
   * the server asks for a new stream from lastEventId at once: "resync" (this
   * client fell behind) or "end" (the stream reached its token's expiry or the
   * server's longest lifetime, or its key was revoked; reconnect with a fresh
   * token). Else undefined.
   */
  apply(event: string, data: string, id?: string): "resync" | "end" | undefined {
    if (id) this.lastEventId = id;
    switch (event) {
      case "snapshot":
      case "reset": {
        const values = (JSON.parse(data) as { values?: Record<string, unknown> }).values ?? {};
        for (const [topic, v] of Object.entries(values)) {
          this.values.set(topic, v);
          this.hooks.onChange(topic, v, null);
        }
        if (event === "reset") this.hooks.onReset?.(values);
        return undefined;
      }
      case "change": {
        const msg = JSON.parse(data) as { topics: string[]; event: LiveEvent };
        for (const topic of msg.topics) {
          const v = reduce(topic, this.values.get(topic), msg.event);
          this.values.set(topic, v);
          this.hooks.onChange(topic, v, msg.event);
        }
        return undefined;
      }
      case "resync":
      case "end":
        return event;
    }
    return undefined; // heartbeat: its id is the position
  }
}

/** final reports whether a refused stream's status is one retrying will not mend: a 4xx (401, 403, 404, 422) but 429. */
export function final(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429;
}

/** retryAfter returns a Retry-After header's wait in ms (it is in seconds); 0 without one. */
export function retryAfter(header: string | null | undefined): number {
  return 1000 * (parseInt(header ?? "", 10) || 0);
}

const minDelay = 1000;
const maxDelay = 30000;

/**
 * Backoff is the wait before opening a stream again after a failure: 1 s,
 * doubling up to 30 s, back to 1 s once a stream opens. A wait the server
 * asked for (a 429's Retry-After) is kept when it is longer.
 */
export class Backoff {
  private delay = minDelay;

  /** opened starts again from the shortest wait. */
  opened(): void {
    this.delay = minDelay;
  }

  /** next returns the wait before the next attempt, at least asked ms, and lengthens the one after. */
  next(asked = 0): number {
    const d = Math.max(this.delay, asked);
    this.delay = Math.min(this.delay * 2, maxDelay);
    return d;
  }
}
