package eventlog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
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

			var (
				mu   sync.Mutex
				seen = map[string]int{}
				last mohalla.Position
				bad  []string
			)
			f := eventlog.NewFollower(st, mohalla.Position{}, func(_ context.Context, evs []mohalla.Event) error {
				mu.Lock()
				defer mu.Unlock()
				for _, e := range evs {
					if !last.Less(e.Pos) {
						bad = append(bad, fmt.Sprintf("%s at %s after %s", e.ID, e.Pos, last))
					}
					last = e.Pos
					seen[e.ID]++
				}
				return nil
			}, &eventlog.Config{Poll: 5 * time.Millisecond, Batch: 7})
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

			mu.Lock()
			defer mu.Unlock()
			for _, b := range bad {
				t.Errorf("out of order: %s", b)
			}
			for _, id := range written {
				if seen[id] != 1 {
					t.Errorf("event %s seen %d times, want 1", id, seen[id])
				}
			}
			if len(seen) != len(written) {
				t.Errorf("follower saw %d distinct events, %d were committed", len(seen), len(written))
			}
		})
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

func ids(evs []mohalla.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}
