package live_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestResumeAcrossNodesWhileAnOlderWriterRuns: while an older transaction
// that will change a product is still open, the product's later changes reach
// a client as soon as they commit, before it; the client drops, and resumes on
// the other node with its last id, and goes back to the first node later. In
// the end it has every change of the product once: the older one, those it
// got early, and those written while it was away.
func TestResumeAcrossNodesWhileAnOlderWriterRuns(t *testing.T) {
	t.Parallel()
	cfg := storetest.NewConfig(t, "postgres")
	a := newNode(t, cfg, live.Config{}, nil)
	b := newNode(t, cfg, live.Config{}, nil)
	seed(t, a)
	for _, n := range []*node{a, b} {
		if err := n.hub.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, a, "product:p1", "", "")
	start := mark(t, s.next().id)

	// The older writer: it takes its id first and appends its change of p1
	// at the end, once released.
	sys := store.AsSystem(context.Background(), "test")
	holding, release, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		finished <- a.st.InEventTx(sys, func(tx *store.Tx) error {
			ptx, _ := tx.PgxTx()
			if _, err := ptx.Exec(sys, "SELECT pg_current_xact_id()"); err != nil {
				return err
			}
			close(holding)
			<-release
			_, err := tx.AppendEvents(sys, []mohalla.Event{{ID: "late", Name: mohalla.EventProductUpdated,
				Data: []byte(`{"productId":"p1","shopId":"s1","changes":{},"version":0}`), TS: time.Now().UnixMilli()}})
			return err
		})
	}()
	<-holding
	defer close(release)
	for range 3 {
		a.stock(t, "p1", -1)
	}
	var got []string
	var last string
	for len(got) < 3 {
		m := s.next()
		got, last = append(got, m.change(t).Event.Pos), m.id
	}
	if len(mark(t, last).Also) == 0 {
		t.Fatalf("last id %s: the changes came only after the older writer ended", last)
	}
	s.close()
	a.stock(t, "p1", -1) // while the client is away

	// On b, from the id a gave.
	s2 := open(t, b, "product:p1", "", last)
	m := s2.next()
	if m.event != "change" {
		t.Fatalf("resuming on the other node: %+v", m)
	}
	got, last = append(got, m.change(t).Event.Pos), m.id
	s2.close()
	b.stock(t, "p1", -1)
	release <- struct{}{}
	if err := <-finished; err != nil {
		t.Fatal(err)
	}

	// Back on a: the rest, the older writer's change among it.
	want := productEvents(t, a, start.At.String(), "p1")
	if len(want) != 6 {
		t.Fatalf("the log has %d changes of p1 after the start, want 6: %v", len(want), want)
	}
	s3 := open(t, a, "product:p1", "", last)
	for len(got) < len(want) {
		m := s3.next()
		if m.event != "change" {
			t.Fatalf("resuming on the first node: %+v", m)
		}
		got = append(got, m.change(t).Event.Pos)
	}
	a.stock(t, "p1", 1) // the next message is this change, not one again
	next := s3.next().change(t).Event.Pos
	slices.Sort(got)
	if slices.Sort(want); !slices.Equal(got, want) {
		t.Fatalf("the client received the changes\n%v\nthe log has\n%v", got, want)
	}
	if slices.Contains(want, next) {
		t.Fatalf("after every change, %s came again", next)
	}
}
