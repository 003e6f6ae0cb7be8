package eventlog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

func event(id string) mohalla.Event {
	return mohalla.Event{ID: id, Name: "test/gap", Data: []byte(`{}`), TS: time.Now().UnixMilli()}
}

// TestFollowerSeesEveryEventOnce runs many writers whose transactions are
// deliberately long or short, so they commit out of seq order, while a follower
// reads; at the end the follower has seen every committed event exactly once, in
// increasing position order, and none of a rolled-back transaction.
func TestFollowerSeesEveryEventOnce(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			ctx, cancel := context.WithCancel(store.AsSystem(context.Background(), "test")) // the writers append raw, as the system
			defer cancel()

			var got tally
			f := eventlog.NewFollower(st, mohalla.Position{}, got.handle, &eventlog.Config{Poll: 5 * time.Millisecond, Batch: 7})
			done := make(chan error, 1)
			go func() { done <- f.Run(ctx) }()

			const writers, txs = 16, 25
			var wg sync.WaitGroup
			var wmu sync.Mutex
			var written []string
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(uint64(w), 7))
					for i := range txs {
						n := 1 + rng.IntN(3)
						var ids []string
						for j := range n {
							ids = append(ids, fmt.Sprintf("w%d-t%d-e%d", w, i, j))
						}
						long := rng.IntN(5) == 0
						rollback := rng.IntN(10) == 0
						err := st.InTx(ctx, func(tx *store.Tx) error {
							var evs []mohalla.Event
							for _, id := range ids {
								evs = append(evs, event(id))
							}
							if _, err := tx.AppendEvents(ctx, evs); err != nil {
								return err
							}
							if long { // hold the early seq while later transactions commit
								time.Sleep(time.Duration(5+rng.IntN(30)) * time.Millisecond)
							}
							if rollback {
								return errRollback
							}
							return nil
						})
						if err != nil && err != errRollback {
							t.Errorf("write: %v", err)
							return
						}
						if !rollback {
							wmu.Lock()
							written = append(written, ids...)
							wmu.Unlock()
						}
					}
				}()
			}
			wg.Wait()
			if err := f.CatchUp(ctx); err != nil {
				t.Fatalf("catch up: %v", err)
			}
			cancel()
			<-done
			got.check(t, written)
		})
	}
}

// tally records what a follower hands over, to check that it saw every
// committed event once, in position order.
type tally struct {
	mu   sync.Mutex
	seen map[string]int
	last mohalla.Position
	bad  []string
}

func (r *tally) handle(_ context.Context, evs []mohalla.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]int{}
	}
	for _, e := range evs {
		if !r.last.Less(e.Pos) {
			r.bad = append(r.bad, fmt.Sprintf("%s at %s after %s", e.ID, e.Pos, r.last))
		}
		r.last = e.Pos
		r.seen[e.ID]++
	}
	return nil
}

// check fails t unless the follower saw each of written once, in order, and
// nothing else.
func (r *tally) check(t *testing.T, written []string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.bad {
		t.Errorf("out of order: %s", b)
	}
	for _, id := range written {
		if r.seen[id] != 1 {
			t.Errorf("event %s seen %d times, want 1", id, r.seen[id])
		}
	}
	if len(r.seen) != len(written) {
		t.Errorf("follower saw %d distinct events, %d were committed", len(r.seen), len(written))
	}
}

var errRollback = fmt.Errorf("deliberate rollback")

// TestReadEventsWaitsForEarlierTransaction shows the gap the log's reader avoids:
// a transaction that took an early seq and commits late. A reader by seq alone
// would move past it while it is open and never see its event.
func TestReadEventsWaitsForEarlierTransaction(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx := store.AsSystem(context.Background(), "test")

	holding, release, finished := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		finished <- st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.AppendEvents(ctx, []mohalla.Event{event("early")}); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, []mohalla.Event{event("late")})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 0 {
		t.Fatalf("while the earlier transaction is open, read %d events (%s); want none", len(evs), evs[0].ID)
	}
	close(release)
	if err := <-finished; err != nil {
		t.Fatal(err)
	}
	if err := st.Read().CatchUp(ctx); err != nil { // other tests' transactions on the server
		t.Fatal(err)
	}
	evs, err = st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].ID != "early" || evs[1].ID != "late" {
		t.Fatalf("after commit read %v; want early then late", ids(evs))
	}
	if evs[0].Pos.ID > evs[1].Pos.ID {
		t.Logf("commit order differs from seq order, as intended: %s then %s", evs[0].Pos, evs[1].Pos)
	}
}

// eventually waits until ok, or fails with what msg says.
func eventually(t *testing.T, ok func() bool, msg func() string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(msg())
		}
	}
}

func ids(evs []mohalla.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

// TestTransactionInAnotherDatabaseDoesNotDelay: the log's horizon counts only
// the transactions of its own database, so a long transaction in another
// database on the same server (another store, a bench, a test) no longer
// holds back the events of this one, while a transaction of this database
// that took an early position and commits late still does.
func TestTransactionInAnotherDatabaseDoesNotDelay(t *testing.T) {
	t.Parallel()
	st, other := storetest.Open(t, "postgres"), storetest.Open(t, "postgres")
	ctx := store.AsSystem(context.Background(), "test")
	hold := func(s *store.Store, id string) (release func() error) {
		holding, rel, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			finished <- s.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.AppendEvents(ctx, []mohalla.Event{event(id)}); err != nil {
					return err
				}
				close(holding)
				<-rel
				return nil
			})
		}()
		<-holding
		var once sync.Once
		var err error
		release = func() error {
			once.Do(func() { close(rel); err = <-finished })
			return err
		}
		t.Cleanup(func() { _ = release() }) // if the test stops early
		return release
	}
	read := func() []string {
		t.Helper()
		evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		return ids(evs)
	}
	elsewhere := hold(other, "elsewhere") // open, with a transaction id, until the end
	defer func() {
		if err := elsewhere(); err != nil {
			t.Error(err)
		}
	}()
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, []mohalla.Event{event("first")})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The event is read although the other database's transaction is older
	// and still open. (A read may still wait a moment for a transaction of
	// another database that ended as the read began: one whose database it
	// can no longer tell counts, so nothing is skipped.)
	var got []string
	eventually(t, func() bool { got = read(); return len(got) == 1 && got[0] == "first" },
		func() string {
			return fmt.Sprintf("with a transaction open in another database, read %v; want [first]", got)
		})
	var head mohalla.Position
	eventually(t, func() bool {
		var err error
		head, err = st.Read().LogHead(ctx)
		return err == nil && !head.IsZero()
	}, func() string { return fmt.Sprintf("log head %v; want the first event's position", head) })

	// A transaction of this database still holds back the events after it.
	early := hold(st, "early")
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, []mohalla.Event{event("late")})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := read(); slices.Contains(got, "late") {
		t.Fatalf("while this database's earlier transaction is open, read %v; want [first]", got)
	}
	if err := early(); err != nil {
		t.Fatal(err)
	}
	if err := st.Read().CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := read(); len(got) != 3 || got[1] != "early" || got[2] != "late" {
		t.Fatalf("after the early transaction committed, read %v; want [first early late]", got)
	}
}

// TestFollowerReadsAnotherProcessesCommitsBetweenItsOwn: a follower takes its
// node's commits from memory (store.Committed), and another process's commit
// between two of them (a second store on the same file, or another node) is
// read from the log at the next commit of its own node, not left for the
// poll: every event is handed over once, in log order.
func TestFollowerReadsAnotherProcessesCommitsBetweenItsOwn(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			st, other := storetest.OpenConfig(t, cfg), storetest.OpenConfig(t, cfg)
			ctx, cancel := context.WithCancel(store.AsSystem(context.Background(), "test"))
			defer cancel()
			var (
				mu   sync.Mutex
				seen []mohalla.Event
			)
			f := eventlog.NewFollower(st, mohalla.Position{}, func(_ context.Context, evs []mohalla.Event) error {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, evs...)
				return nil
			}, &eventlog.Config{Poll: time.Hour}) // only this node's commits wake it
			done := make(chan error, 1)
			go func() { done <- f.Run(ctx) }()
			write := func(s *store.Store, id string) {
				t.Helper()
				if err := s.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.AppendEvents(ctx, []mohalla.Event{event(id)})
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			for i := range 20 {
				for _, w := range []struct {
					s  *store.Store
					id string
				}{{st, fmt.Sprintf("a%d", i)}, {other, fmt.Sprintf("b%d", i)}, {other, fmt.Sprintf("c%d", i)}, {st, fmt.Sprintf("d%d", i)}} {
					write(w.s, w.id)
					want = append(want, w.id)
				}
				eventually(t, func() bool {
					mu.Lock()
					defer mu.Unlock()
					return len(seen) >= len(want)
				}, func() string {
					mu.Lock()
					defer mu.Unlock()
					return fmt.Sprintf("after this node's commit of %s the follower has %v", want[len(want)-1], ids(seen))
				})
			}
			cancel()
			<-done
			log, err := st.Read().ReadEvents(store.AsSystem(context.Background(), "test"), mohalla.Position{}, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if got := fmt.Sprint(ids(seen)); got != fmt.Sprint(want) {
				t.Errorf("the follower was handed %s;\nwant %v", got, want)
			}
			if !slices.EqualFunc(seen, log, func(a, b mohalla.Event) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
				t.Errorf("the follower was handed events other than the log's:\n%v\n%v", seen, log)
			}
		})
	}
}
