package engine

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// sqliteFetchPoll is River's FetchPollInterval on SQLite unless configured.
// The node's own queueing wakes its workers in process (sqliteDriver), so the
// poll only finds jobs queued by another process on the same file (a seed
// beside the server) or re-queued behind River's back (a dead node's rescue):
// it is a safety net, and a node at rest sleeps.
const sqliteFetchPoll = 5 * time.Second

// sqliteDriver is River's SQLite driver with its notifications (a job queued,
// leadership resigned, a queue paused or a job cancelled) delivered within the
// process. riversqlite keeps them in an outbox table that each client's
// listener reads every 50ms, on the store's one writer connection, at rest as
// under load, where every such read waits for the write in progress and
// delays the next. A SQLite store has one serving node, so its notifications
// have no one else to reach.
//
// A notification sent inside a transaction is delivered before the commit:
// what it wakes (a fetch of jobs) takes the writer connection, so it runs
// after the commit, and after a rollback it finds nothing, which is harmless.
type sqliteDriver struct {
	*riversqlite.Driver
	bus *notifyBus
}

func newSQLiteDriver(db *sql.DB) *sqliteDriver {
	return &sqliteDriver{Driver: riversqlite.New(db), bus: &notifyBus{listeners: map[*busListener]struct{}{}}}
}

func (d *sqliteDriver) GetExecutor() riverdriver.Executor {
	return busExec{d.Driver.GetExecutor(), d.bus}
}

func (d *sqliteDriver) GetListener(p *riverdriver.GetListenenerParams) riverdriver.Listener {
	return &busListener{bus: d.bus, schema: p.Schema, ready: make(chan struct{}, 1)}
}

func (d *sqliteDriver) UnwrapExecutor(tx *sql.Tx) riverdriver.ExecutorTx {
	return busExecTx{d.Driver.UnwrapExecutor(tx), d.bus}
}

func (d *sqliteDriver) UnwrapTx(t riverdriver.ExecutorTx) *sql.Tx {
	if w, ok := t.(busExecTx); ok {
		t = w.ExecutorTx
	}
	return d.Driver.UnwrapTx(t)
}

// kick wakes the node's workers to look for jobs now, as a job queued by
// this process does: for a job made available outside River's inserts.
func (d *sqliteDriver) kick() {
	d.bus.publish(topicInsert, []string{`{"queue": "` + river.QueueDefault + `"}`})
}

// topicInsert is River's notification topic of queued jobs; its payload names
// the queue.
const topicInsert = "river_insert"

type busExec struct {
	riverdriver.Executor
	bus *notifyBus
}

func (e busExec) Begin(ctx context.Context) (riverdriver.ExecutorTx, error) {
	tx, err := e.Executor.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return busExecTx{tx, e.bus}, nil
}

func (e busExec) NotifyMany(_ context.Context, p *riverdriver.NotifyManyParams) error {
	e.bus.publish(p.Topic, p.Payload)
	return nil
}

type busExecTx struct {
	riverdriver.ExecutorTx
	bus *notifyBus
}

func (e busExecTx) Begin(ctx context.Context) (riverdriver.ExecutorTx, error) {
	tx, err := e.ExecutorTx.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return busExecTx{tx, e.bus}, nil
}

func (e busExecTx) NotifyMany(_ context.Context, p *riverdriver.NotifyManyParams) error {
	e.bus.publish(p.Topic, p.Payload)
	return nil
}

// notifyBus hands notifications to the connected listeners of one driver.
type notifyBus struct {
	mu        sync.Mutex
	listeners map[*busListener]struct{}
}

func (b *notifyBus) publish(topic string, payloads []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for l := range b.listeners {
		l.deliver(topic, payloads)
	}
}

// maxPending bounds the notifications a listener holds for River's notifier;
// past it the oldest are dropped. Each only asks for a look at the queue, and
// River's polls make up for a lost one.
const maxPending = 1024

// busListener is River's Listener on a notifyBus.
type busListener struct {
	bus    *notifyBus
	schema string
	ready  chan struct{} // a token when pending may be non-empty

	mu      sync.Mutex
	topics  map[string]bool
	pending []riverdriver.Notification
}

func (l *busListener) Connect(context.Context) error {
	l.bus.mu.Lock()
	l.bus.listeners[l] = struct{}{}
	l.bus.mu.Unlock()
	return nil
}

func (l *busListener) Close(context.Context) error {
	l.bus.mu.Lock()
	delete(l.bus.listeners, l)
	l.bus.mu.Unlock()
	l.mu.Lock()
	l.topics, l.pending = nil, nil
	l.mu.Unlock()
	return nil
}

func (l *busListener) Listen(_ context.Context, topic string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.topics == nil {
		l.topics = map[string]bool{}
	}
	l.topics[topic] = true
	return nil
}

func (l *busListener) Unlisten(_ context.Context, topic string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.topics, topic)
	return nil
}

func (l *busListener) Ping(context.Context) error   { return nil }
func (l *busListener) Schema() string               { return l.schema }
func (l *busListener) SetAfterConnectExec(_ string) {}

func (l *busListener) deliver(topic string, payloads []string) {
	l.mu.Lock()
	if !l.topics[topic] {
		l.mu.Unlock()
		return
	}
	for _, p := range payloads {
		l.pending = append(l.pending, riverdriver.Notification{Topic: topic, Payload: p})
	}
	if over := len(l.pending) - maxPending; over > 0 {
		l.pending = append(l.pending[:0], l.pending[over:]...)
	}
	l.mu.Unlock()
	select {
	case l.ready <- struct{}{}:
	default:
	}
}

func (l *busListener) WaitForNotification(ctx context.Context) (*riverdriver.Notification, error) {
	for {
		l.mu.Lock()
		if len(l.pending) > 0 {
			n := l.pending[0]
			l.pending = l.pending[1:]
			more := len(l.pending) > 0
			l.mu.Unlock()
			if more {
				select {
				case l.ready <- struct{}{}:
				default:
				}
			}
			return &n, nil
		}
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-l.ready:
		}
	}
}
