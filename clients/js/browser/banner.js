// MohallaLive follows live queries of the MohallaMart API over Server-Sent
// Events and keeps a local copy of each topic's value. No build step:
//
//   <script src="/v1/live/client.js"></script>
//   const live = new MohallaLive(["product:p1", "user:u1:orders"], {
//     token: "…",      // omit for public topics; or a function returning a
//                      // token (or a promise of one), asked at every (re)connection
//     onChange(topic, value, event) { render(topic, value); },
//     onError(problem) { console.warn(problem.detail); },
//     onStatus(s) { … }, // open, reconnecting, closed, reset, resync, end
//   });
//   live.value("product:p1");  live.lastId;  live.close();
//
// Topics: product:{id}, shop:{id}:products, order:{id}, user:{id}:orders,
// shop:{id}:orders. The server sends the current values first ("snapshot"),
// then each change ("change", with the event-log position as its id). After a
// dropped connection the browser reconnects with Last-Event-ID and the server
// replays what was missed, or sends "reset" with the current values if it was
// too long ago, or not from this server's log. A "heartbeat" moves the last id
// forward while nothing this client follows changes. A "resync" (this client
// fell behind) and an "end" (the stream reached its token's expiry or the
// server's longest lifetime, or its key was revoked) reconnect at once from the
// last id, with a fresh token if the token option is a function. A 429 (too
// many streams, or too many opened) is retried after its Retry-After. Values
// only ever move forward: a change whose version the local copy already has is
// ignored.
//
// Built from clients/js/browser/client.ts and clients/js/src (the rules of
// @mohallamart/client's subscriptions) by `npm run gen`: do not edit.
