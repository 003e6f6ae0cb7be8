// Package live pushes live queries to screens over Server-Sent Events, in the
// style of Convex: a client names topics (a product, a shop's products, an
// order, a customer's or a shop's orders), gets their current values, then every
// change in event-log order, each with the log position as its SSE id, so a
// reconnecting client resumes exactly where it left off. A Hub on each node is
// fed by its own follower of the event log.
package live

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// Config configures NewHub. Every field is optional.
type Config struct {
	// Buffer is how many changes may wait for one client; a client that falls
	// further behind is told to resync and disconnected. Default 256.
	Buffer int
	// Heartbeat is the interval of the keep-alive "heartbeat" event, which
	// carries the hub's position as its id. Default 15s.
	Heartbeat time.Duration
	// ReplayWindow is how many events of the log after a client's Last-Event-ID
	// the hub reads to replay what it missed; a client further behind gets a
	// reset with the current values instead. Default 10,000.
	ReplayWindow int
	// ListLimit bounds the items of a list topic's current value. Default 200.
	ListLimit int
	// MaxLifetime ends every stream this long after it opened, with an "end"
	// event; the client reconnects from its last id, so nothing is lost, and
	// a stream never outlives the hub's checks of its credential for long.
	// Default 1h.
	MaxLifetime time.Duration
	// WriteTimeout bounds one write to a client. Default 10s.
	WriteTimeout time.Duration
	// Poll is how often the follower reads the log for other nodes' writes
	// when no notification wakes it. Default 100ms on PostgreSQL,
	// eventlog.SQLitePoll on SQLite.
	Poll time.Duration
	// Notifier, if set, wakes the follower at once when another node commits.
	Notifier *eventlog.Notifier
	Logger   *slog.Logger
}

// Hub is one node's live-query publisher: it follows the event log and hands
// each change to the clients of its topics, never waiting for any of them.
type Hub struct {
	st  *store.Store
	svc *market.Service
	cfg Config
	log *slog.Logger
	f   *eventlog.Follower

	// observe, if set, sees each batch as it is handed over (Observe).
	observe func([]mohalla.Event)

	mu   sync.RWMutex
	subs map[string]map[*client]struct{} // by topic name
	mark eventlog.Mark                   // what was handed to the clients; guarded by mu
	seq  uint64                          // counts the events dispatched; guarded by mu
	// ready is dispatch's list of the clients to write to, kept for the next
	// batch (only the follower dispatches).
	ready []*client

	stats Stats
	// ended is cancelled when Run returns, ending every stream; done is its
	// Done channel.
	ended context.Context
	end   context.CancelFunc
	done  <-chan struct{}
}

// Stats counts what a hub did.
type Stats struct {
	Clients    atomic.Int64 // connected now
	Delivered  atomic.Int64 // changes handed to clients
	Direct     atomic.Int64 // writes the hub made to idle streams itself, waking no goroutine
	Overflowed atomic.Int64 // clients disconnected for falling behind
	Replayed   atomic.Int64 // changes replayed to reconnecting clients
	Resets     atomic.Int64 // reconnections answered with a reset
}

// NewHub returns a hub of st's log whose topics are read, and authorized, by svc.
func NewHub(st *store.Store, svc *market.Service, cfg *Config) *Hub {
	if cfg == nil {
		cfg = &Config{}
	}
	c := *cfg
	c.Buffer = cmp.Or(c.Buffer, 256)
	c.Heartbeat = cmp.Or(c.Heartbeat, 15*time.Second)
	c.ReplayWindow = cmp.Or(c.ReplayWindow, 10_000)
	c.ListLimit = cmp.Or(c.ListLimit, 200)
	c.WriteTimeout = cmp.Or(c.WriteTimeout, 10*time.Second)
	c.MaxLifetime = cmp.Or(c.MaxLifetime, time.Hour)
	c.Poll = cmp.Or(c.Poll, eventlog.DefaultPoll(st, 100*time.Millisecond))
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	h := &Hub{st: st, svc: svc, cfg: c, log: c.Logger, subs: map[string]map[*client]struct{}{}}
	h.ended, h.end = context.WithCancel(context.Background())
	h.done = h.ended.Done()
	return h
}

// Observe has f see each batch of events as the hub hands it to its
// clients, before the streams write it: the bench times the way from a
// commit to the hub apart from the fan-out after it. Call it before Start; f
// runs on the hub's follower, so it must be brief.
func (h *Hub) Observe(f func([]mohalla.Event)) { h.observe = f }

// Start positions the hub at the head of the log. Run calls it if it was not
// called; serving streams before the hub started is an error.
func (h *Hub) Start(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "live")
	head, err := h.st.Read().LogHead(ctx)
	if err != nil {
		return fmt.Errorf("live: log head: %w", err)
	}
	h.mu.Lock()
	h.mark = eventlog.MarkAt(head)
	// Behind the log's horizon (a hub stalled for days) it resumes at the head:
	// a stream's client loads the current rows when it opens, as after a gap.
	// It hands each transaction's changes over as soon as it commits
	// (eventlog.NewMarkedFollower), and its SSE ids are the follower's marks.
	h.f = eventlog.NewMarkedFollower(h.st, h.mark, h.dispatch, &eventlog.Config{Name: "live", Poll: h.cfg.Poll, Logger: h.log,
		Rebuild: h.st.Read().LogHead, Idle: h.idle})
	h.mu.Unlock()
	return nil
}

// Run follows the log until ctx ends. Then it ends every stream, so that an
// HTTP server shutting down need not wait for them, and Open refuses new ones.
func (h *Hub) Run(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "live")
	defer h.end()
	if h.follower() == nil {
		if err := h.Start(ctx); err != nil {
			return err
		}
	}
	f := h.follower()
	if h.cfg.Notifier != nil {
		go h.cfg.Notifier.Wake(ctx, f)
	}
	return f.Run(ctx)
}

// CatchUp hands the clients every event committed before it was called (after
// the transactions running then have ended).
func (h *Hub) CatchUp(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "live")
	f := h.follower()
	if f == nil {
		return fmt.Errorf("live: the hub has not started")
	}
	if err := h.st.Read().CatchUp(ctx); err != nil {
		return err
	}
	h.mu.Lock()
	err := h.skipIdle(ctx)
	h.mu.Unlock()
	if err != nil {
		return err
	}
	return f.CatchUp(ctx)
}

// Position returns the position up to which every event was handed to the
// clients (transactions after it may have been too: see Mark); of a hub
// without clients, the log's head (see idle).
func (h *Hub) Position() mohalla.Position { return h.Mark().At }

// Mark returns what the hub handed to the clients: the SSE id of a client
// that has every change queued for it.
func (h *Hub) Mark() eventlog.Mark {
	h.mu.RLock()
	if len(h.subs) > 0 {
		defer h.mu.RUnlock()
		return h.mark
	}
	h.mu.RUnlock()
	ctx, cancel := context.WithTimeout(store.AsProjection(context.Background(), "live"), 5*time.Second)
	defer cancel()
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.skipIdle(ctx); err != nil {
		h.log.DebugContext(ctx, "idle live hub: log head not read", slog.Any("err", err))
	}
	return h.mark
}

// idle reports whether the hub has no clients. Its follower then reads
// nothing (eventlog.Config.Idle): at every commit a hub without clients read
// the commit's events to hand them to no one, about a twelfth of the server's
// CPU under a stream of creates on SQLite. Instead, skipIdle moves the hub
// to the log's head when a client comes, or its position is asked.
func (h *Hub) idle() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs) == 0
}

// skipIdle moves a hub without clients, and its follower, to the log's head:
// with no client, it has handed every event to all of them. The caller holds
// h.mu (so no client registers meanwhile). A hub with clients stays where it
// is.
func (h *Hub) skipIdle(ctx context.Context) error {
	if len(h.subs) > 0 || h.f == nil {
		return nil
	}
	head, err := h.st.Read().LogHead(ctx)
	if err != nil {
		return fmt.Errorf("live: log head: %w", err)
	}
	h.f.Advance(head)
	h.mark = h.mark.Union(h.f.Mark())
	return nil
}

// Stats returns the hub's counters.
func (h *Hub) Stats() *Stats { return &h.stats }

func (h *Hub) follower() *eventlog.Follower {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.f
}

// dispatch hands a batch of events to the clients of their topics. It never
// blocks on a client: one whose buffer is full is dropped. Each event's SSE
// message is encoded once for each set of topics its clients follow (one, for
// a client of one topic), and its bytes shared by all of them.
func (h *Hub) dispatch(_ context.Context, events []mohalla.Event, marks []eventlog.Mark) error {
	if h.observe != nil {
		h.observe(events)
	}
	// Under the write lock, with the mark moved at the end: a client
	// registering gets either the whole batch live or none of it and a mark
	// past it. Nothing here waits, so the lock is brief. The clients whose
	// queue was empty are written to (or woken) after it.
	ready := h.queue(events, marks)
	for i, c := range ready {
		c.deliver()
		ready[i] = nil
	}
	h.ready = ready[:0]
	return nil
}

// queue queues events' changes for their clients, and returns the clients
// that had none queued: their streams must be written to or woken.
func (h *Hub) queue(events []mohalla.Event, marks []eventlog.Mark) []*client {
	h.mu.Lock()
	defer func() {
		h.mark = h.mark.Union(marks[len(marks)-1])
		h.mu.Unlock()
	}()
	ready := h.ready[:0]
	for k, e := range events {
		if h.mark.Has(e.Pos) {
			continue // handed over already: skipIdle moved past it while it was read
		}
		var id []byte // marks[k]'s String, written once per event
		names := topicsOf(e)
		if len(names) == 0 {
			continue
		}
		h.seq++
		var (
			body    []byte
			encoded []encodedFrame // by the topics' names, joined
			n       int64
		)
		for i, name := range names {
			for c := range h.subs[name] {
				// A client of several of the event's topics gets it once: at
				// the first it follows, with every one it follows after.
				if c.seen == h.seq {
					continue
				}
				c.seen = h.seq
				topics := names[i : i+1]
				if len(c.topics) > 1 {
					topics = nil
					for _, other := range names[i:] {
						if c.topics[other] {
							topics = append(topics, other)
						}
					}
				}
				key := strings.Join(topics, ",")
				j := slices.IndexFunc(encoded, func(f encodedFrame) bool { return f.key == key })
				if j < 0 {
					if body == nil {
						body = changeBody(e)
					}
					if id == nil {
						id = marks[k].Append(nil)
					}
					encoded = append(encoded, encodedFrame{key, changeMessage(id, topics, body)})
					j = len(encoded) - 1
				}
				if c.offer(frame{pos: e.Pos, mark: &marks[k], msg: encoded[j].msg}) {
					ready = append(ready, c)
				}
				n++
			}
		}
		h.stats.Delivered.Add(n)
	}
	return ready
}

// encodedFrame is an event's change message for the clients of one set of
// its topics.
type encodedFrame struct {
	key string
	msg []byte
}

// register adds c to the hub and returns the mark from which it receives
// changes live: every event it does not cover. The first client of an idle
// hub starts at the log's head.
func (h *Hub) register(ctx context.Context, c *client) (eventlog.Mark, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.skipIdle(ctx); err != nil {
		return eventlog.Mark{}, err
	}
	for name := range c.topics {
		m := h.subs[name]
		if m == nil {
			m = map[*client]struct{}{}
			h.subs[name] = m
		}
		m[c] = struct{}{}
	}
	h.stats.Clients.Add(1)
	return h.mark, nil
}

func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for name := range c.topics {
		delete(h.subs[name], c)
		if len(h.subs[name]) == 0 {
			delete(h.subs, name)
		}
	}
	h.stats.Clients.Add(-1)
}

// frame is one change for one client: the event's position, the hub's mark
// once it was handed over (the message's id), and its whole SSE message
// (changeMessage), shared with the other clients of the same topics; never
// modified.
type frame struct {
	pos  mohalla.Position
	mark *eventlog.Mark
	msg  []byte
}

// client is one connected stream: the changes queued for it, and the one
// channel that wakes its stream's goroutine. The hub queues a change and,
// only if the queue was empty, writes it to the stream's socket itself
// (streamOut) or else wakes the stream: a stream busy writing takes the
// changes queued meanwhile at once, in one write, and an idle one is woken
// once, by a receive on one channel (a select over the queue, the heartbeat
// and the stream's end took over a twentieth of the nodes' CPU per message
// at 10,000 streams). The heartbeat and the stream's end wake it through the
// same channel (Stream.Serve).
type client struct {
	topics map[string]bool
	seen   uint64 // the hub's seq of the last event dispatched to it; under the hub's mu
	max    int    // the most changes queued; one more overflows the client
	wake   chan struct{}
	h      *Hub

	// out, once the stream writes to its connection itself, lets the hub
	// write to it without waking the stream's goroutine (deliver).
	out atomic.Pointer[streamOut]

	mu         sync.Mutex
	queue      []frame // in the order offered
	overflowed bool    // a change was dropped: none is queued after it
}

func newClient(h *Hub) *client {
	return &client{topics: map[string]bool{}, max: h.cfg.Buffer, wake: make(chan struct{}, 1), h: h}
}

// offer queues f, or, if max changes wait already, drops it and every later
// one: the stream writes those queued before it, then tells its client to
// resync from the last of them, so its last id never covers a change it did
// not get. It reports whether the stream must be written to or woken
// (deliver): when f is the first change queued, or the first dropped.
func (c *client) offer(f frame) bool {
	c.mu.Lock()
	if c.overflowed {
		c.mu.Unlock()
		return false
	}
	if len(c.queue) >= c.max {
		c.overflowed = true
		c.mu.Unlock()
		c.h.stats.Overflowed.Add(1)
		return true
	}
	c.queue = append(c.queue, f)
	first := len(c.queue) == 1
	c.mu.Unlock()
	return first
}

// deliver writes the changes queued to the stream's connection at once, if
// it can without waiting (streamOut.tryWrite), or else wakes the stream's
// goroutine to write them.
func (c *client) deliver() {
	if out := c.out.Load(); out != nil && out.tryWrite() {
		c.h.stats.Direct.Add(1)
		return
	}
	c.signal()
}

// signal wakes the stream, unless a wake is pending already.
func (c *client) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// take returns the changes queued, in order, and whether the client
// overflowed after them. spare, the slice take returned before, is reused
// for the changes queued next.
func (c *client) take(spare []frame) ([]frame, bool) {
	clear(spare) // its frames' bytes are not kept alive
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.queue
	c.queue = spare[:0]
	return out, c.overflowed
}

// changeEvent is an event as a change message carries it: without its caller,
// which is not the subscriber's to see.
type changeEvent struct {
	ID   string           `json:"id"`
	Name string           `json:"name"`
	Data json.RawMessage  `json:"data"`
	TS   int64            `json:"ts"`
	Pos  mohalla.Position `json:"pos"`
}

// changeBody is e as a change message carries it; a product event carries
// only its public fields (public.go).
func changeBody(e mohalla.Event) []byte {
	data := e.Data
	if publicProductEvents[e.Name] {
		data = publicProductData(e.Name, data)
	}
	b, _ := json.Marshal(changeEvent{ID: e.ID, Name: e.Name, Data: data, TS: e.TS, Pos: e.Pos})
	return b
}

// changeMessage is the SSE message of a change to topics, whose id is id (a
// Mark's String) and whose event is body (changeBody): id, event and data
// lines and the blank line that ends it.
func changeMessage(id []byte, topics []string, body []byte) []byte {
	names, _ := json.Marshal(topics)
	b := make([]byte, 0, 64+len(id)+len(names)+len(body))
	b = append(b, "id: "...)
	b = append(b, id...)
	b = append(b, "\nevent: change\ndata: {\"topics\":"...)
	b = append(b, names...)
	b = append(b, ",\"event\":"...)
	b = append(b, body...)
	return append(b, "}\n\n"...)
}
