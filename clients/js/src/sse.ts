/** SSEMessage is one Server-Sent Events message. */
export interface SSEMessage {
  event: string;
  data: string;
  /** id is the message's id field, if it had one. */
  id?: string;
  /** retry is the reconnection delay the server asked for, in ms. */
  retry?: number;
}

/**
 * readSSE parses a text/event-stream body as the HTML standard says, calling
 * onMessage for each message as it arrives. It resolves when the body ends, or
 * when onMessage returns true (then it cancels the body), and rejects when
 * reading fails (a dropped connection).
 */
export async function readSSE(body: ReadableStream<Uint8Array>, onMessage: (m: SSEMessage) => boolean | void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let m: SSEMessage = { event: "", data: "" };
  let hasData = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (buf[nl] === "\r" && nl === buf.length - 1) break;
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        // Stopping cancels the body rather than aborting the request: an
        // abort after the body has arrived can leave node's fetch reader
        // pending forever.
        if ((hasData || m.event || m.retry !== undefined) && onMessage({ ...m, event: m.event || "message", data: m.data.replace(/\n$/, "") })) {
          await reader.cancel().catch(() => {});
          return;
        }
        m = { event: "", data: "" };
        hasData = false;
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let val = colon < 0 ? "" : line.slice(colon + 1);
      if (val.startsWith(" ")) val = val.slice(1);
      switch (field) {
        case "event": m.event = val; break;
        case "data": m.data += val + "\n"; hasData = true; break;
        case "id": if (!val.includes("\0")) m.id = val; break;
        case "retry": if (/^\d+$/.test(val)) m.retry = Number(val); break;
      }
    }
  }
}
