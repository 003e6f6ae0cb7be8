package eventlog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// marked records what a marked follower hands over: the events in the order
// they came, and the mark after each.
type marked struct {
	mu    sync.Mutex
	evs   []mohalla.Event
	marks []eventlog.Mark
}

func (r *marked) handle(_ context.Context, evs []mohalla.Event, marks []eventlog.Mark) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, evs...)
	r.marks = append(r.marks, marks...)
	return nil
}

func (r *marked) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return ids(r.evs)
}

// check fails t unless the follower handed over each of written once, each
// transaction's events in log order, and unless the mark after each event
// covers, of the whole log, exactly the events handed over until then: what a
// live client resuming from that mark is owed is what it did not get.
func (r *marked) check(t *testing.T, st *store.Store, written []string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]int{}
	lastOf := map[int64]mohalla.Position{}
	for _, e := range r.evs {
		seen[e.ID]++
		if p, ok := lastOf[e.Pos.Tx]; ok && !p.Less(e.Pos) {
			t.Errorf("event %s at %s after %s of its transaction", e.ID, e.Pos, p)
		}
		lastOf[e.Pos.Tx] = e.Pos
	}
	for _, id := range written {
		if seen[id] != 1 {
			t.Errorf("event %s handed over %d times, want 1", id, seen[id])
		}
	}
	if len(seen) != len(written) {
		t.Errorf("follower handed over %d distinct events, %d were committed", len(seen), len(written))
	}
	log, err := st.Read().ReadEvents(store.AsSystem(context.Background(), "test"), mohalla.Position{}, "", 100_000)
	if err != nil {
		t.Fatal(err)
	}
	handed := map[mohalla.Position]bool{}
	for i, e := range r.evs {
		handed[e.Pos] = true
		for _, l := range log {
			if r.marks[i].Has(l.Pos) != handed[l.Pos] {
				t.Fatalf("mark %s after %d events: covers %s is %v, handed over is %v",
					r.marks[i], i+1, l.Pos, r.marks[i].Has(l.Pos), handed[l.Pos])
			}
		}
	}
}

// holdOlder starts a log writer that takes its transaction id and appends
// evs, and keeps it open until release, which commits it.
func holdOlder(ctx context.Context, t *testing.T, st *store.Store, evs ...mohalla.Event) (release func()) {
	t.Helper()
	holding, end, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		finished <- st.InEventTx(ctx, func(tx *store.Tx) error {
			if err := takeXID(ctx, tx); err != nil {
				return err
			}
			if _, err := tx.AppendEvents(ctx, evs); err != nil {
				return err
			}
			close(holding)
			<-end
			return nil
		})
	}()
	select {
	case <-holding:
	case err := <-finished:
		t.Fatalf("the older writer: %v", err)
	}
	return func() {
		t.Helper()
		close(end)
		if err := <-finished; err != nil {
			t.Fatal(err)
		}
	}
}

// runWithoutPoll runs a marked follower of st until ctx ends (or the test
// does) and returns it with what it hands over. Its catch-up reads the log
// once; after that no poll reads it.
func runWithoutPoll(ctx context.Context, t *testing.T, st *store.Store) (*eventlog.Follower, *marked) {
	t.Helper()
	got := &marked{}
	f := eventlog.NewMarkedFollower(st, eventlog.Mark{}, got.handle, &eventlog.Config{Poll: time.Hour})
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return f, got
}

// compact is an event whose data is JSON without spaces, padded with pad
// bytes: handed over as appended it reads back the same, where a read of the
// log returns jsonb's text ({"id": …, "pad": …}).
func compact(id string, pad int) mohalla.Event {
	e := event(id)
	e.Data = []byte(`{"id":"` + id + `","pad":"` + strings.Repeat("x", pad) + `"}`)
	return e
}

// appendTx commits evs in a transaction of their own.
func appendTx(ctx context.Context, t *testing.T, st *store.Store, evs ...mohalla.Event) {
	t.Helper()
	if err := st.InEventTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, evs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestMarkedFollowerHandsOverAtCommit: a transaction's events are handed over
// once it commits, while an older log writer still runs; the older one's
// follow when it commits, and the mark then names no transaction beyond the
// position. The log read in order shows neither until the older ends.
func TestMarkedFollowerHandsOverAtCommit(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx := store.AsSystem(context.Background(), "test")
	var got marked
	f := eventlog.NewMarkedFollower(st, eventlog.Mark{}, got.handle, nil)

	release := holdOlder(ctx, t, st, event("older"))
	appendTx(ctx, t, st, event("younger-1"), event("younger-2"))
	// CatchUp of a marked follower does not wait for the older writer.
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := got.ids(); !slices.Equal(ids, []string{"younger-1", "younger-2"}) {
		t.Fatalf("with an older writer running, handed over %v, want the younger transaction's two events", ids)
	}
	m := f.Mark()
	if len(m.Also) != 1 || !m.Has(got.evs[1].Pos) || f.Position() != (mohalla.Position{}) {
		t.Fatalf("mark %s, position %s: want the younger transaction named beyond the start", m, f.Position())
	}
	// What a follower in log order reads: nothing yet.
	if evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10); err != nil || len(evs) != 0 {
		t.Fatalf("the log in order shows %v (%v) while the older writer runs", ids(evs), err)
	}

	release()
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := got.ids(); !slices.Equal(ids, []string{"younger-1", "younger-2", "older"}) {
		t.Fatalf("handed over %v, want the older transaction's event last", ids)
	}
	if m := f.Mark(); len(m.Also) != 0 || m.At != got.evs[1].Pos {
		t.Fatalf("mark %s once every writer ended, want %s alone", m, got.evs[1].Pos)
	}
	got.check(t, st, []string{"older", "younger-1", "younger-2"})
}

// TestMarkedFollowerSeesEveryEventOnce: many log writers, some long, some
// rolled back, some holding their id while younger ones commit; a marked
// follower with small batches hands over every committed event once, and its
// marks say exactly what it handed over (marked.check).
func TestMarkedFollowerSeesEveryEventOnce(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			ctx, cancel := context.WithCancel(store.AsSystem(context.Background(), "test"))
			defer cancel()
			var got marked
			f := eventlog.NewMarkedFollower(st, eventlog.Mark{}, got.handle, &eventlog.Config{Poll: 2 * time.Millisecond, Batch: 5})
			done := make(chan error, 1)
			go func() { done <- f.Run(ctx) }()

			// Now and then a transaction of more events than a batch.
			written := logWriters(ctx, t, st, 12, 20, 5, 25, func(rng *rand.Rand) int {
				n := 1 + rng.IntN(3)
				if rng.IntN(15) == 0 {
					n = 7
				}
				return n
			})
			if err := f.CatchUp(ctx); err != nil {
				t.Fatalf("catch up: %v", err)
			}
			cancel()
			<-done
			got.check(t, st, written)
		})
	}
}

// TestMarkedFollowerTakesItsNodesCommitsFromMemory: woken by this process's
// commits, a marked follower on PostgreSQL hands them over from memory, as
// they were appended (their data's bytes as written, where a read returns
// PostgreSQL's jsonb text) and at the positions the log gave them, without
// reading the log; an older writer still running holds back neither, and
// its own commit follows the same way.
func TestMarkedFollowerTakesItsNodesCommitsFromMemory(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx := store.AsSystem(context.Background(), "test")
	_, got := runWithoutPoll(ctx, t, st)
	data := func(id string) mohalla.Event { return compact(id, 1) }

	release := holdOlder(ctx, t, st, data("older"))
	appendTx(ctx, t, st, data("mine-1"), data("mine-2"))
	eventually(t, func() bool { return len(got.ids()) == 2 }, func() string {
		return "the follower did not hand over this node's commit while an older writer ran"
	})
	release()
	eventually(t, func() bool { return len(got.ids()) == 3 }, func() string {
		return "the follower did not hand over the older writer's commit"
	})
	log, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]mohalla.Position{}
	for _, e := range log {
		at[e.ID] = e.Pos
	}
	got.mu.Lock()
	for _, e := range got.evs {
		if want := data(e.ID).Data; string(e.Data) != string(want) || e.Pos != at[e.ID] {
			t.Errorf("handed over %s at %s with data %s; want %s at %s, as appended", e.ID, e.Pos, e.Data, want, at[e.ID])
		}
	}
	got.mu.Unlock()
	if ids := got.ids(); !slices.Equal(ids, []string{"mine-1", "mine-2", "older"}) {
		t.Fatalf("handed over %v", ids)
	}
	got.check(t, st, []string{"older", "mine-1", "mine-2"})
}

// TestOtherNodesCommitsCarriedByNotifications: on PostgreSQL a node's
// notification carries its commits, so another node's marked follower hands
// them over without reading the log (their data's bytes as appended, where
// a read returns jsonb's text); a commit too large to carry wakes it, and it
// reads that one. Every event arrives once, at its log position.
func TestOtherNodesCommitsCarriedByNotifications(t *testing.T) {
	t.Parallel()
	cfg := storetest.NewConfig(t, "postgres")
	a, b := storetest.OpenConfig(t, cfg), storetest.OpenConfig(t, cfg)
	ctx, cancel := context.WithCancel(store.AsSystem(context.Background(), "test"))
	defer cancel()
	na, nb := eventlog.NewNotifier(a, nil), eventlog.NewNotifier(b, nil)
	listening := nb.Notified() // closed once b listens
	go na.Run(ctx)
	go nb.Run(ctx)
	<-listening
	// Its notifications carry its commits once it heard another node listen.
	eventually(t, na.HearsOthers, func() string { return "node a did not hear node b listening" })
	f, got := runWithoutPoll(ctx, t, b)
	go nb.Wake(ctx, f)
	data := compact
	appendTx(ctx, t, a, data("small-1", 10), data("small-2", 10))
	eventually(t, func() bool { return len(got.ids()) == 2 }, func() string {
		return fmt.Sprintf("the other node's follower has %v, want its two events", got.ids())
	})
	var large []mohalla.Event
	for i := range 10 {
		large = append(large, data(fmt.Sprintf("large-%d", i), 1000))
	}
	appendTx(ctx, t, a, large...)
	eventually(t, func() bool { return len(got.ids()) == 12 }, func() string {
		return fmt.Sprintf("the other node's follower has %v, want the large commit too", got.ids())
	})
	log, err := b.Read().ReadEvents(ctx, mohalla.Position{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]mohalla.Event{}
	for _, e := range log {
		read[e.ID] = e
	}
	got.mu.Lock()
	for _, e := range got.evs {
		carried := strings.HasPrefix(e.ID, "small")
		want := string(data(e.ID, 10).Data)
		if !carried {
			want = string(read[e.ID].Data)
		}
		if string(e.Data) != want || e.Pos != read[e.ID].Pos {
			t.Errorf("%s handed over at %s with data %.40s…; want %s and %.40s… (carried by the notification: %v)",
				e.ID, e.Pos, e.Data, read[e.ID].Pos, want, carried)
		}
	}
	got.mu.Unlock()
	var written []string
	for _, e := range log {
		written = append(written, e.ID)
	}
	got.check(t, b, written)
}

// TestMarkedFollowerKeepsItsMarkShort: a marked follower that takes its
// node's commits from memory reads the log once its mark names more than a
// few transactions beyond its position, though no poll is due, so that the
// live streams' ids stay short.
func TestMarkedFollowerKeepsItsMarkShort(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	ctx := store.AsSystem(context.Background(), "test")
	f, got := runWithoutPoll(ctx, t, st)
	var written []string
	for i := range 20 {
		id := fmt.Sprintf("e%d", i)
		written = append(written, id)
		appendTx(ctx, t, st, event(id))
		eventually(t, func() bool { return len(got.ids()) == i+1 }, func() string {
			return fmt.Sprintf("after commit %d the follower has %v", i, got.ids())
		})
		if m := f.Mark(); len(m.Also) > 9 { // read when it names 9, below a horizon after them
			t.Fatalf("after %d commits the mark %s names %d transactions beyond its position", i+1, m, len(m.Also))
		}
	}
	got.check(t, st, written)
}
