package live

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// Stream is one client's subscription: authorized, registered with the hub and
// positioned in the log, ready to be served. Close it if it is not served.
type Stream struct {
	h      *Hub
	c      *client
	topics []topic
	// start is what the stream begins with: "snapshot" (the current values),
	// "reset" (the current values, because the client's Last-Event-ID could
	// not be replayed) or "replay" (the changes the client missed).
	start  string
	values map[string]any
	at     eventlog.Mark // the mark of the values; changes it does not cover follow
	replay []frame
	// sent is what the client had when it resumed, if this node's mark did
	// not cover it (it resumed from a node further on): live changes it
	// covers were sent already.
	sent   *eventlog.Mark
	last   eventlog.Mark // what the client has once the replay is written
	closed bool
	// until ends the stream (with an "end" event); never after the hub's
	// MaxLifetime from its opening.
	until time.Time
	// check, if set, is asked at each heartbeat whether the stream's
	// credential still holds; EUNAUTHENTICATED ends the stream.
	check func(context.Context) error
}

// Open subscribes caller to the comma-separated topics. Each topic is
// authorized, and its current value loaded, by the read it mirrors: a product
// and a shop's products to anyone; an order, and a customer's or a shop's
// orders, to those who may read them. So Open returns the read's error
// (EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND) before any stream starts, or
// EINVALID for a topic it does not know. With lastEventID (the SSE
// Last-Event-ID), the stream replays the changes after it, or resets if it is
// further back than the replay window (or unreadable).
func (h *Hub) Open(ctx context.Context, caller mohalla.Caller, topics, lastEventID string) (*Stream, error) {
	ctx = store.AsProjection(ctx, "live")
	if h.follower() == nil {
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "live updates are starting; try again shortly")
	}
	select {
	case <-h.done:
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server is shutting down; reconnect")
	default:
	}
	ts, err := parseTopics(topics)
	if err != nil {
		return nil, err
	}
	c := newClient(h)
	for _, t := range ts {
		c.topics[t.name] = true
	}
	s := &Stream{h: h, c: c, topics: ts, start: "snapshot", until: time.Now().Add(h.cfg.MaxLifetime)}
	// Registered before the values are read, so no change between the two is lost.
	if s.at, err = h.register(ctx, c); err != nil {
		if store.IsUnavailable(err) {
			return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "the store has no connection free; try again shortly")
		}
		return nil, err
	}
	s.last = s.at
	if s.values, err = h.values(ctx, caller, ts); err != nil {
		s.Close()
		if store.IsUnavailable(err) {
			return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "the store has no connection free; try again shortly")
		}
		return nil, err
	}
	if lastEventID == "" {
		return s, nil
	}
	last, err := eventlog.ParseMark(lastEventID)
	if err != nil {
		s.start = "reset"
		h.stats.Resets.Add(1)
		return s, nil
	}
	if !s.at.Covers(last) {
		// The client has changes this node has not handed over yet (it
		// resumes from a node further on): they are not sent again.
		s.sent = &last
		s.last = s.at.Union(last)
	}
	if last.Covers(s.at) { // the client is as far as this node, or further
		// Further than the log itself is an id from another log (a restored
		// or another store) or made up: the client could wait forever for
		// what it thinks comes next, so it gets the current values instead.
		head, err := h.st.Read().LogHead(ctx)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("live: log head: %w", err)
		}
		if head.Less(last.At) {
			s.start, s.sent, s.last = "reset", nil, s.at
			h.stats.Resets.Add(1)
			return s, nil
		}
		s.start = "replay"
		return s, nil
	}
	replay, ok, err := h.replay(ctx, c, last, s.at)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("live: replay: %w", err)
	}
	if !ok {
		s.start, s.sent, s.last = "reset", nil, s.at
		h.stats.Resets.Add(1)
		return s, nil
	}
	s.start, s.replay, s.values = "replay", replay, nil
	h.stats.Replayed.Add(int64(len(replay)))
	return s, nil
}

// Limit ends the stream at until, if that is sooner than it would end
// otherwise (a token's expiry), and, with check, when check says at a
// heartbeat that its credential no longer holds (EUNAUTHENTICATED: a revoked
// API key). Other errors of check leave the stream open.
func (s *Stream) Limit(until time.Time, check func(context.Context) error) {
	if !until.IsZero() && until.Before(s.until) {
		s.until = until
	}
	s.check = check
}

// Close unregisters the stream.
func (s *Stream) Close() {
	if !s.closed {
		s.closed = true
		s.h.unregister(s.c)
	}
}

// replay returns c's changes that `until` covers and `from` does not, read
// from the log, or false if more than the replay window lies between: first
// those up to until.At in log order, then those of until's transactions
// handed over early. Each change's id is what the client has once it has it.
func (h *Hub) replay(ctx context.Context, c *client, from, until eventlog.Mark) ([]frame, bool, error) {
	var out []frame
	has := from
	add := func(e mohalla.Event) {
		if has.Has(e.Pos) {
			return
		}
		var topics []string
		for _, name := range topicsOf(e) {
			if c.topics[name] {
				topics = append(topics, name)
			}
		}
		if len(topics) == 0 {
			return
		}
		if until.At.Less(e.Pos) {
			has = has.Union(eventlog.Mark{Also: []mohalla.Position{e.Pos}})
		} else {
			has = has.Union(eventlog.MarkAt(e.Pos))
		}
		m := has
		out = append(out, frame{pos: e.Pos, mark: &m, msg: changeMessage(m.Append(nil), topics, changeBody(e))})
	}
	read := 0
	for after := from.At; after.Less(until.At); {
		if read >= h.cfg.ReplayWindow {
			return nil, false, nil
		}
		evs, err := h.st.Read().ReadEvents(ctx, after, "", min(1000, h.cfg.ReplayWindow-read))
		if err != nil {
			return nil, false, err
		}
		if len(evs) == 0 {
			break
		}
		read += len(evs)
		for _, e := range evs {
			if until.At.Less(e.Pos) {
				break
			}
			add(e)
			after = e.Pos
		}
		if until.At.Less(evs[len(evs)-1].Pos) {
			break
		}
	}
	var txs []int64
	for _, p := range until.Also {
		if !from.Has(p) {
			txs = append(txs, p.Tx)
		}
	}
	if len(txs) > 0 {
		evs, err := h.st.Read().ReadTransactionEvents(ctx, txs)
		if err != nil {
			return nil, false, err
		}
		if read+len(evs) > h.cfg.ReplayWindow {
			return nil, false, nil
		}
		for _, e := range evs {
			if until.Has(e.Pos) {
				add(e)
			}
		}
	}
	return out, true, nil
}

// values reads each topic's current value as caller, which authorizes it.
func (h *Hub) values(ctx context.Context, caller mohalla.Caller, ts []topic) (map[string]any, error) {
	out := make(map[string]any, len(ts))
	page := market.PageRequest{Limit: h.cfg.ListLimit}
	for _, t := range ts {
		var (
			v   any
			err error
		)
		switch t.kind {
		case kindProduct:
			v, err = h.svc.Product(ctx, t.id)
		case kindShopProducts:
			if _, err = h.svc.Shop(ctx, t.id); err == nil {
				var p mohalla.Page[mohalla.Product]
				p, err = h.svc.ListProducts(ctx, market.ProductQuery{ShopID: t.id, PageRequest: page})
				v = p.Items
			}
		case kindOrder:
			v, err = h.svc.Order(ctx, caller, t.id)
		case kindUserOrders:
			var p mohalla.Page[mohalla.Order]
			p, err = h.svc.ListOrders(ctx, caller, market.OrderQuery{UserID: t.id, PageRequest: page})
			v = p.Items
		case kindShopOrders:
			var p mohalla.Page[mohalla.Order]
			p, err = h.svc.ListOrders(ctx, caller, market.OrderQuery{ShopID: t.id, PageRequest: page})
			v = p.Items
		}
		if err != nil {
			return nil, err
		}
		out[t.name] = v
	}
	return out, nil
}

// Serve writes the stream as text/event-stream until the client goes, ctx
// ends, or the client falls behind (then it is told to resync). It closes s.
func (s *Stream) Serve(w http.ResponseWriter, r *http.Request) {
	defer s.Close()
	rc := http.NewResponseController(w)
	// The server's write timeout is for answers, not for a stream that lives
	// for hours: lifted here, each write below sets a deadline of its own.
	// (The server lifts its read timeout itself once the request is read.)
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	sw := &sseWriter{w: w, rc: rc, timeout: s.h.cfg.WriteTimeout}
	sw.printf("retry: 2000\n\n")
	out := &streamOut{c: s.c, sw: sw, last: s.last, sent: s.sent}
	switch s.start {
	case "snapshot", "reset":
		b, _ := json.Marshal(map[string]any{"values": s.values})
		sw.message(s.at, s.start, b)
	case "replay":
		for _, f := range s.replay {
			sw.frame(f)
		}
	}
	if !sw.flush() {
		return
	}
	s.replay, s.values = nil, nil
	// One context ends the stream for each of its reasons but a slow
	// client: the client went (r's context, or the goroutine that reads the
	// connection once it is taken over), its end of life came, or the hub
	// stopped. It wakes the loop below through the client's one channel, as
	// the heartbeat does.
	gone, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	sw.takeOver(r, cancel)
	defer func() {
		out.mu.Lock()
		out.ended = true
		sw.close()
		out.mu.Unlock()
	}()
	if sw.raw != nil {
		s.c.out.Store(out) // the hub writes to it too, from now on
	}
	stopped := context.AfterFunc(s.h.ended, func() { cancel(errHubStopped) })
	defer stopped()
	ctx, cancelEnd := context.WithDeadlineCause(gone, s.until, errEndOfLife)
	defer cancelEnd()
	defer context.AfterFunc(ctx, s.c.signal)()
	var beatDue atomic.Bool
	beat := time.AfterFunc(s.h.cfg.Heartbeat, func() { beatDue.Store(true); s.c.signal() })
	defer beat.Stop()
	// write adds every queued change to the buffer and reports whether
	// the client overflowed after them; then it is told to resync, from
	// the last id it has, which covers no change it missed.
	write := func() bool {
		over := out.take()
		if over {
			sw.printf("event: resync\ndata: {\"reason\":\"this client fell more than %d changes behind; reconnect with its last id\"}\n\n", s.c.max)
			sw.flush()
		}
		return over
	}
	// ending tells the client why the stream ends; it reconnects with its
	// last id (and, if it has one, a fresh token) and misses nothing.
	ending := func(reason string) {
		if write() {
			return
		}
		sw.printf("event: end\nid: %s\ndata: {\"reason\":%q}\n\n", out.last, reason)
		sw.flush()
	}
	// serve answers one wake, holding the writer; it reports whether the
	// stream goes on.
	serve := func() bool {
		out.mu.Lock()
		defer out.mu.Unlock()
		if ctx.Err() != nil {
			if context.Cause(ctx) == errEndOfLife && gone.Err() == nil {
				ending("the stream reached its end of life (its token's expiry, or the server's longest stream); reconnect")
			}
			// Otherwise the client went, or the hub stopped: the client
			// reconnects, to another node or this one restarted.
			return false
		}
		if write() {
			return false
		}
		if beatDue.Swap(false) {
			if s.check != nil {
				var me *mohalla.Error
				if err := s.check(gone); errors.As(err, &me) && me.Code == mohalla.EUNAUTHENTICATED {
					ending("the stream's credential no longer holds: " + me.Message)
					return false
				}
			}
			// Every change up to the hub's position is queued for this client
			// already, so once they are written the client's last id may move
			// there, sparing it a long replay after a quiet spell (unless one
			// was dropped: p may lie past it).
			p := s.h.Mark()
			if write() {
				return false
			}
			out.last = out.last.Union(p)
			// An event, not a comment: a browser moves its Last-Event-ID on
			// either, but only an event reaches client.js, which reopens
			// streams itself with the id it last saw.
			sw.printf("event: heartbeat\nid: %s\ndata: {}\n\n", out.last)
			beat.Reset(s.h.cfg.Heartbeat)
		}
		return sw.flush()
	}
	for range s.c.wake {
		if !serve() {
			return
		}
	}
}

var (
	errEndOfLife  = errors.New("live: the stream reached its end of life")
	errHubStopped = errors.New("live: the hub stopped")
)

// LastEventID returns the position a reconnecting client resumes from: the
// Last-Event-ID header a browser's EventSource sends, or the lastEventId
// query parameter a client that reconnects by itself passes.
func LastEventID(r *http.Request) string {
	return strings.TrimSpace(cmp.Or(r.Header.Get("Last-Event-ID"), r.URL.Query().Get("lastEventId")))
}
