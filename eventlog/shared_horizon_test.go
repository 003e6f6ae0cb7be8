package eventlog_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestSharedHorizonIsReadAfterTheCall: one store's readers share their reads
// of the log's horizon (store.Q.ReadHorizon), yet a catch-up takes only a
// read that started after it was called. Writers that each catch up right
// after their commit find the horizon past their own transaction and read
// their events below it, while the other writers' catch-ups, a follower in
// log order and one that hands over early keep reads of the horizon running
// on the same store, to be shared; and both followers still see every event
// once, in order.
func TestSharedHorizonIsReadAfterTheCall(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx, cancel := context.WithCancel(store.AsSystem(context.Background(), "test"))
	defer cancel()

	var inOrder, early tally
	followers := []*eventlog.Follower{
		eventlog.NewFollower(st, mohalla.Position{}, inOrder.handle, &eventlog.Config{Poll: time.Millisecond, Batch: 5}),
		eventlog.NewMarkedFollower(st, eventlog.Mark{}, func(ctx context.Context, evs []mohalla.Event, _ []eventlog.Mark) error {
			return early.handleEarly(evs)
		}, &eventlog.Config{Poll: time.Millisecond, Batch: 5}),
	}
	var running sync.WaitGroup
	for _, f := range followers {
		running.Go(func() { _ = f.Run(ctx) })
	}

	const writers, txs = 8, 25
	var wg sync.WaitGroup
	var wmu sync.Mutex
	var written []string
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 21))
			for i := range txs {
				id := fmt.Sprintf("w%d-t%d", w, i)
				var x int64
				err := st.InEventTx(ctx, func(tx *store.Tx) error {
					ptx, _ := tx.PgxTx()
					if err := ptx.QueryRow(ctx, "SELECT pg_current_xact_id()::text::bigint").Scan(&x); err != nil {
						return err
					}
					if rng.IntN(3) == 0 { // younger writers commit meanwhile
						time.Sleep(time.Duration(rng.IntN(10)) * time.Millisecond)
					}
					_, err := tx.AppendEvents(ctx, []mohalla.Event{event(id)})
					return err
				})
				if err != nil {
					t.Errorf("write %s: %v", id, err)
					return
				}
				wmu.Lock()
				written = append(written, id)
				wmu.Unlock()
				// Either way of catching up: the store's, then a read with a
				// horizon of its own, or the horizon CaughtUp returns.
				var h store.Horizon
				if i%2 == 0 {
					if err := st.Read().CatchUp(ctx); err != nil {
						t.Errorf("catch up: %v", err)
						return
					}
					h, err = st.Read().ReadHorizon(ctx, st.HorizonMark())
				} else {
					h, err = st.Read().CaughtUp(ctx, st.HorizonMark())
				}
				if err != nil {
					t.Errorf("horizon after %s: %v", id, err)
					return
				}
				if h.Tx <= x {
					t.Errorf("caught up after %s (transaction %d) committed: horizon %d, not past it", id, x, h.Tx)
				}
				evs, err := st.Read().ReadEventsBelow(ctx, h, mohalla.Position{Tx: x - 1, ID: math.MaxInt64}, "", 100)
				if err != nil {
					t.Errorf("read after %s: %v", id, err)
					return
				}
				if len(evs) == 0 || evs[0].ID != id {
					t.Errorf("caught up after %s committed, read %v from its transaction on", id, ids(evs))
				}
			}
		})
	}
	wg.Wait()
	for _, f := range followers {
		if err := f.CatchUp(ctx); err != nil {
			t.Fatalf("catch up: %v", err)
		}
	}
	cancel()
	running.Wait()
	inOrder.check(t, written)
	early.check(t, written)
}

// handleEarly tallies a follower that hands over early: each event once,
// whatever the order of transactions.
func (r *tally) handleEarly(evs []mohalla.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]int{}
	}
	for _, e := range evs {
		r.seen[e.ID]++
	}
	return nil
}
