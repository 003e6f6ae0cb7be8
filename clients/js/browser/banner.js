// MohallaLive follows live queries of the MohallaMart API over Server-Sent
// Events and keeps a local copy of each topic's value. No build step:
//
//   <script src="/v1/live/client.js"></script>
//   const live = new MohallaLive(["product:p1", "user:u1:orders"], {
//     token: "…",                                  // omit for public topics
//     onChange(topic, value, event) { render(topic, value); },
//     onError(problem) { console.warn(problem.detail); },
//   });
//   live.value("product:p1");  live.close();
//
// Topics: product:{id}, shop:{id}:products, order:{id}, user:{id}:orders,
// shop:{id}:orders. The server sends the current values first ("snapshot"),
// then each change ("change", with the event-log position as its id). After a
// dropped connection the browser reconnects with Last-Event-ID and the server
// replays what was missed, or sends "reset" with the current values if it was
// too long ago. A "heartbeat" moves the last id forward while nothing this
// client follows changes. A "resync" (this client fell behind) reconnects at
// once from the last id. Values only ever move forward: a change whose version the local
// copy already has is ignored.
