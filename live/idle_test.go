package live_test

import (
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestIdleHubStartsAtTheHead: a hub without clients reads nothing, yet its
// position is the log's head at once (it owes no client anything), and its
// first client starts there: the writes of the idle spell are in its
// snapshot, and the next change is the first it is sent.
func TestIdleHubStartsAtTheHead(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			n := newNode(t, storetest.NewConfig(t, kind), live.Config{}, nil)
			seed(t, n)
			n.stock(t, "p1", -3)
			if err := n.st.Read().CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			head, err := n.st.Read().LogHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if p := n.hub.Position(); p != head {
				t.Fatalf("idle hub at %s; want the log's head %s", p, head)
			}
			s := open(t, n, "product:p1", "", "")
			first := s.next()
			if first.event != "snapshot" || first.id != head.String() {
				t.Fatalf("first message %+v; want a snapshot at %s", first, head)
			}
			n.stock(t, "p1", 5)
			m := s.next()
			if c := m.change(t); m.event != "change" || c.Event.Name != mohalla.EventProductUpdated || !less(t, head.String(), m.id) {
				t.Fatalf("first message after the snapshot %+v; want the change after %s", m, head)
			}
		})
	}
}
