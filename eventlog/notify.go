package eventlog

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// NotifierConfig configures NewNotifier.
type NotifierConfig struct {
	// Channel is the PostgreSQL notification channel. Default "mohalla_events".
	Channel string
	// Retry is the pause before listening again after the connection failed.
	// Default 1s.
	Retry  time.Duration
	Logger *slog.Logger
}

// Notifier tells the followers of other nodes at once that this node appended
// to the log, so they need not wait for their next poll. On PostgreSQL it sends
// a NOTIFY after each local commit that appended events, outside the write
// transaction (a NOTIFY inside it would take a lock that serializes every
// commit), coalescing bursts so at most one is in flight; and it LISTENs on a
// connection of its own. The notifications carry the commits' events, as
// many as fit (payloads), so that the other nodes' live hubs hand them over
// without reading the log; any node that can connect to the database can
// LISTEN, and so read them, as it can read the log. On SQLite, with one
// node, it does nothing.
type Notifier struct {
	st   *store.Store
	cfg  NotifierConfig
	log  *slog.Logger
	node string // the payload of this node's notifications, which it ignores

	mu       sync.Mutex
	notified chan struct{}
	// mark is the store's HorizonMark at the latest notification: a read of
	// the horizon no older than it shows the commit notified ended.
	mark store.Horizon
	// received are the commits other nodes' notifications carried, or gaps
	// for those they did not (see payloads).
	received store.Commits
	// others is when, in Unix nanoseconds, this node last heard another
	// (see HearsOthers); hello asks send to tell the others it listens.
	others atomic.Int64
	hello  chan struct{}
}

// NewNotifier returns a notifier for st's log.
func NewNotifier(st *store.Store, cfg *NotifierConfig) *Notifier {
	if cfg == nil {
		cfg = &NotifierConfig{}
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	c := NotifierConfig{
		Channel: cmp.Or(cfg.Channel, "mohalla_events"),
		Retry:   cmp.Or(cfg.Retry, time.Second),
		Logger:  cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
	}
	return &Notifier{st: st, cfg: c, log: c.Logger, node: hex.EncodeToString(b), notified: make(chan struct{}), hello: make(chan struct{}, 1)}
}

// Notified returns a channel closed at the next notification from another
// node (or after the listening connection was re-established, when one may
// have been missed).
func (n *Notifier) Notified() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.notified
}

// ringMark is the horizon mark of the latest notification.
func (n *Notifier) ringMark() store.Horizon {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.mark
}

func (n *Notifier) ring() {
	m := n.st.HorizonMark()
	n.mu.Lock()
	n.mark = m
	close(n.notified)
	n.notified = make(chan struct{})
	n.mu.Unlock()
}

// Run sends and receives notifications until ctx ends, then returns ctx's error.
func (n *Notifier) Run(ctx context.Context) error {
	if n.st.Kind() == store.SQLite {
		<-ctx.Done()
		return ctx.Err()
	}
	var wg sync.WaitGroup
	wg.Go(func() { n.send(ctx) })
	wg.Go(func() { n.listen(ctx) })
	wg.Wait()
	return ctx.Err()
}

// Wake hands f each other node's commit as soon as it can be read, until ctx
// ends: at each notification from another node it waits for the
// transactions running then to end (see store.Q.CaughtUp; until they have, a
// follower in log order on PostgreSQL cannot read the commit, and would see
// it only at its next poll) and calls f.CatchUp. Bursts coalesce: commits
// during a catch-up are read by the next one. This node's commits wake the
// follower's Run, which reads them as its Config.Gather says: waking here at
// each of them as well caught up once a commit, the horizon polled until the
// log writers older than it ended, where the cache projection, the one
// follower in log order woken here, gathers this node's commits for a second.
func (n *Notifier) Wake(ctx context.Context, f *Follower) {
	if n.st.Kind() == store.SQLite {
		// On SQLite there are no other nodes to hear from.
		return
	}
	_, seen, _ := n.received.Since(math.MaxUint64)
	for {
		remote := n.Notified()
		select {
		case <-ctx.Done():
			return
		case <-remote:
		}
		// The catch-up reads the log's horizon from the mark of the
		// notification, so the followers it woke share one read
		// (store.Horizon).
		since := n.ringMark()
		// A follower that hands over early takes the commits the
		// notifications carried, and reads the log only if they did not
		// carry every one, or a read is due (Follower.readDue).
		fresh := false
		if f.early {
			txs, now, complete := n.received.Since(seen)
			seen = now
			skip, long, err := f.handCommitted(ctx, txs, complete)
			if err != nil && ctx.Err() == nil {
				n.log.DebugContext(ctx, "handing over notified commits failed", slog.Any("err", err))
			}
			if skip {
				continue
			}
			fresh = long
		}
		// f.catchUp waits for the running transactions itself; waiting
		// here as well cost each wake two more round trips for nothing.
		if err := f.catchUp(ctx, since, !fresh); err != nil && ctx.Err() == nil {
			n.log.DebugContext(ctx, "catch-up after a commit failed", slog.Any("err", err))
		}
	}
}

func (n *Notifier) send(ctx context.Context) {
	changed := n.st.Changed()
	_, seen, _ := n.st.RecentCommits(math.MaxUint64)
	presence := time.NewTicker(presenceEvery)
	defer presence.Stop()
	for {
		var payloads []string
		select {
		case <-ctx.Done():
			return
		case <-presence.C:
			payloads = []string{n.node + presenceBody}
		case <-n.hello:
			payloads = []string{n.node + presenceBody}
		case <-changed:
			changed = n.st.Changed() // taken before sending, so a commit meanwhile sends again
			txs, now, complete := n.st.RecentCommits(seen)
			seen = now
			switch {
			case len(txs) == 0 && complete:
				continue // sent with an earlier commit's
			case n.HearsOthers():
				payloads = n.payloads(txs, complete)
			default:
				payloads = []string{n.node} // a wake; no other node would take them
			}
		}
		if err := n.st.Notify(ctx, n.cfg.Channel, payloads...); err != nil && ctx.Err() == nil {
			n.log.WarnContext(ctx, "log notification not sent; other nodes will poll", slog.Any("err", err))
		}
	}
}

// presenceEvery is how often a node tells the others that it listens (a
// notification of its id and presenceBody), besides when it begins to, and
// when it hears one from a node it had not heard of: its notifications carry
// its commits only while it heard another node within twice that (every
// node listening receives every notification, its own too, and with no other
// node to take them they would cost each commit for nothing).
const (
	presenceEvery = 30 * time.Second
	presenceBody  = " ?"
)

// HearsOthers reports whether this node heard another node on its channel
// within the last minute: its notifications then carry its commits
// (payloads), else they only wake.
func (n *Notifier) HearsOthers() bool {
	return time.Since(time.Unix(0, n.others.Load())) < 2*presenceEvery
}

func (n *Notifier) sayHello() {
	select {
	case n.hello <- struct{}{}:
	default:
	}
}

// maxPayload bounds a notification's payload: PostgreSQL refuses one of
// 8000 bytes or more.
const maxPayload = 7900

// payloads are the notifications of txs, this node's commits since the last
// sent: the node's id, a space and the JSON array of as many of the commits
// (each the array of its events, with their positions) as fit, so that the
// other nodes' live hubs hand them over without reading the log; and, if a
// commit did not fit or complete is false (this node no longer held some),
// the node's id alone, a wake for which the others read the log.
func (n *Notifier) payloads(txs [][]mohalla.Event, complete bool) []string {
	var (
		out []string
		b   []byte // the payload being filled
	)
	gap := !complete
	for _, tx := range txs {
		j, err := json.Marshal(tx)
		if err != nil || len(n.node)+len(" []")+len(j) > maxPayload {
			gap = true
			continue
		}
		if b != nil && len(b)+len(",]")+len(j) > maxPayload {
			out, b = append(out, string(append(b, ']'))), nil
		}
		if b == nil {
			b = append([]byte(n.node), " ["...)
		} else {
			b = append(b, ',')
		}
		b = append(b, j...)
	}
	if b != nil {
		out = append(out, string(append(b, ']')))
	}
	if gap {
		out = append(out, n.node)
	}
	return out
}

// heard notes another node's notification, and reports whether it told of
// commits: it adds what it carried to the commits received, its commits or,
// for a bare wake or one this node cannot read, a gap. A node that says it
// listens (presenceBody) and was not heard of before is answered so.
func (n *Notifier) heard(payload string) bool {
	if !n.HearsOthers() {
		n.sayHello()
	}
	n.others.Store(time.Now().UnixNano())
	if strings.HasSuffix(payload, presenceBody) {
		return false
	}
	_, body, ok := strings.Cut(payload, " ")
	var txs [][]mohalla.Event
	if !ok || json.Unmarshal([]byte(body), &txs) != nil {
		n.received.Gap()
		return true
	}
	for _, tx := range txs {
		n.received.Add(tx)
	}
	return true
}

func (n *Notifier) listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := n.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		n.log.WarnContext(ctx, "log notifications lost; listening again", slog.Any("err", err))
		t := time.NewTimer(n.cfg.Retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (n *Notifier) listenOnce(ctx context.Context) error {
	l, err := n.st.Listen(ctx, n.cfg.Channel)
	if err != nil {
		return err
	}
	defer l.Close(context.WithoutCancel(ctx))
	n.received.Gap() // anything sent while this node was not listening
	n.ring()
	n.sayHello()
	for {
		payload, err := l.Wait(ctx)
		if err != nil {
			return err
		}
		if node, _, _ := strings.Cut(payload, " "); node != n.node && n.heard(payload) {
			n.ring()
		}
	}
}
