package eventlog_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// takeXID gives tx its transaction id now, as a first write would.
func takeXID(ctx context.Context, tx *store.Tx) error {
	ptx, _ := tx.PgxTx()
	_, err := ptx.Exec(ctx, "SELECT pg_current_xact_id()")
	return err
}

// holdXID opens a transaction outside the store's, as River's fetch or any
// other write that appends no events, and gives it an id; release ends it.
func holdXID(t *testing.T, st *store.Store) (release func()) {
	t.Helper()
	ctx := context.Background()
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Error(err) // Error, not Fatal: writers' goroutines call it too
		return func() {}
	}
	if _, err := tx.Exec(ctx, "SELECT pg_current_xact_id()"); err != nil {
		t.Error(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { _ = tx.Rollback(ctx) }) }
	t.Cleanup(release)
	return release
}

// logWriters runs writers goroutines of txs transactions each that append
// size(rng) events (seeded by seed and the writer), a tenth rolled back, each
// taking its transaction id first on PostgreSQL and then pausing up to pause
// while younger transactions commit. It returns the ids of the events
// committed, once every writer has ended.
func logWriters(ctx context.Context, t *testing.T, st *store.Store, writers, txs int, seed uint64, pause int,
	size func(*rand.Rand) int) []string {
	var wg sync.WaitGroup
	var wmu sync.Mutex
	var written []string
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), seed))
			for i := range txs {
				var evs []mohalla.Event
				for j := range size(rng) {
					evs = append(evs, event(fmt.Sprintf("w%d-t%d-e%d", w, i, j)))
				}
				rollback := rng.IntN(10) == 0
				err := st.InEventTx(ctx, func(tx *store.Tx) error {
					if st.Kind() == store.Postgres {
						if err := takeXID(ctx, tx); err != nil {
							return err
						}
					}
					time.Sleep(time.Duration(rng.IntN(pause)) * time.Millisecond)
					if _, err := tx.AppendEvents(ctx, evs); err != nil {
						return err
					}
					if rollback {
						return errRollback
					}
					return nil
				})
				if err != nil && !errors.Is(err, errRollback) {
					t.Errorf("write: %v", err)
					return
				}
				if !rollback {
					wmu.Lock()
					for _, e := range evs {
						written = append(written, e.ID)
					}
					wmu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return written
}

// last is the position of the last of evs, the zero position if none.
func last(evs []mohalla.Event) mohalla.Position {
	if len(evs) == 0 {
		return mohalla.Position{}
	}
	return evs[len(evs)-1].Pos
}

// TestHorizonCountsOnlyLogWriters: the log's horizon waits for the
// transactions that append events (store.InEventTx), even one that took its id
// with a write before its events, and for no other: a transaction that holds
// an older id and appends nothing no longer holds back the events committed
// after it.
func TestHorizonCountsOnlyLogWriters(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx := store.AsSystem(context.Background(), "test")
	read := func(after mohalla.Position) []mohalla.Event {
		t.Helper()
		evs, err := st.Read().ReadEvents(ctx, after, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}

	// A writer that takes its id first and appends at the end, held open.
	holding, release, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		finished <- st.InEventTx(ctx, func(tx *store.Tx) error {
			if err := takeXID(ctx, tx); err != nil {
				return err
			}
			close(holding)
			<-release
			_, err := tx.AppendEvents(ctx, []mohalla.Event{event("early")})
			return err
		})
	}()
	var (
		once     sync.Once
		earlyErr error
	)
	commitEarly := func() error {
		once.Do(func() { close(release); earlyErr = <-finished })
		return earlyErr
	}
	defer func() { _ = commitEarly() }() // if the test stops early
	<-holding
	other := holdXID(t, st) // younger than the writer, older than "late"
	defer other()
	if err := st.InEventTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, []mohalla.Event{event("late")})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := read(mohalla.Position{}); len(got) != 0 {
		t.Fatalf("while an older log writer is open, read %v; want nothing", ids(got))
	}

	if err := commitEarly(); err != nil {
		t.Fatal(err)
	}
	// Only the transaction that appends no events is open now, older than
	// "late": both events are read, in position order, at once.
	got := read(mohalla.Position{})
	if len(got) != 2 || got[0].ID != "early" || got[1].ID != "late" {
		t.Fatalf("with only a transaction without events open, read %v; want [early late]", ids(got))
	}
	if err := st.Read().CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	head, err := st.Read().LogHead(ctx)
	if err != nil || head != got[1].Pos {
		t.Fatalf("log head %v, %v; want late's position %v", head, err, got[1].Pos)
	}
}

// TestFollowerSeesEveryEventAmongOtherWrites: log writers that take their id
// before their events (an order's rows first), interleaved with transactions
// that hold ids and append nothing, some for the whole run: a follower sees
// every committed event once, in position order, and none rolled back.
func TestFollowerSeesEveryEventAmongOtherWrites(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx, cancel := context.WithCancel(store.AsSystem(context.Background(), "test"))
	defer cancel()

	var got tally
	f := eventlog.NewFollower(st, mohalla.Position{}, got.handle, &eventlog.Config{Poll: 2 * time.Millisecond, Batch: 5})
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	longest := holdXID(t, st) // open through the writes
	const writers, others, txs = 8, 4, 20
	var wg sync.WaitGroup
	for w := range others {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for range txs {
				release := holdXID(t, st)
				time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
				release()
			}
		})
	}
	// Younger transactions commit their events while older ones pause, and
	// the follower reads them.
	written := logWriters(ctx, t, st, writers, txs, 7, 30, func(rng *rand.Rand) int { return 1 + rng.IntN(3) })
	wg.Wait()
	// Every writer has committed; the transaction without events, still
	// open and older than them all, holds none of their events back.
	var visible []mohalla.Event
	for {
		evs, err := st.Read().ReadEvents(ctx, last(visible), "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		visible = append(visible, evs...)
	}
	if len(visible) != len(written) {
		t.Errorf("with a transaction without events open, %d events can be read; %d were committed", len(visible), len(written))
	}
	longest()
	if err := f.CatchUp(ctx); err != nil {
		t.Fatalf("catch up: %v", err)
	}
	cancel()
	<-done
	got.check(t, written)
}

// TestAppendAfterAWriteNeedsEventTx: a transaction that wrote before it
// appends, begun by InTx rather than InEventTx, took its id before it could
// declare itself a log writer; a reader might have passed its events' position
// already, so the append fails and the transaction leaves nothing. One whose
// append is its first write declares itself then.
func TestAppendAfterAWriteNeedsEventTx(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx := store.AsSystem(context.Background(), "test")
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := takeXID(ctx, tx); err != nil {
			return err
		}
		_, err := tx.AppendEvents(ctx, []mohalla.Event{event("too-late")})
		return err
	})
	if err == nil {
		t.Fatal("an append after a write in InTx committed; want it refused")
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, []mohalla.Event{event("first-write")})
		return err
	}); err != nil {
		t.Fatalf("an append that is InTx's first write: %v", err)
	}
	// Outside the store too, as a bulk load would: a statement of its own.
	if _, err := st.Pool().Exec(ctx, `INSERT INTO events (event_id, name, data, ts) VALUES ('raw', 'test/raw', '{}', 1)`); err != nil {
		t.Fatalf("an insert of its own: %v", err)
	}
	ptx, err := st.Pool().BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ptx.Rollback(ctx) }()
	if _, err := ptx.Exec(ctx, "SELECT pg_current_xact_id()"); err != nil {
		t.Fatal(err)
	}
	if _, err := ptx.Exec(ctx, `INSERT INTO events (event_id, name, data, ts) VALUES ('raw-late', 'test/raw', '{}', 1)`); err == nil {
		t.Fatal("a raw insert after the transaction's id was assigned succeeded; want it refused")
	}
	if err := st.Read().CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10)
	if got := ids(evs); err != nil || !slices.Equal(got, []string{"first-write", "raw"}) {
		t.Fatalf("the log holds %v, %v; want [first-write raw]", got, err)
	}
}
