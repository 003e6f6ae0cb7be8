package eventlog_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestIdleFollowerReadsNothing: while its Idle says so, a follower hands over
// nothing and its cursor stays; once the projection moved it (Advance) and is
// no longer idle, it hands over only the events after that position, and an
// Advance behind the cursor moves nothing.
func TestIdleFollowerReadsNothing(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			ctx := store.AsSystem(context.Background(), "test")
			appendOne := func(id string) {
				t.Helper()
				if err := st.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.AppendEvents(ctx, []mohalla.Event{event(id)})
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			var idle atomic.Bool
			idle.Store(true)
			var got []string
			f := eventlog.NewFollower(st, mohalla.Position{}, func(_ context.Context, evs []mohalla.Event) error {
				for _, e := range evs {
					got = append(got, e.ID)
				}
				return nil
			}, &eventlog.Config{Idle: idle.Load})

			appendOne("idle-1")
			appendOne("idle-2")
			if err := f.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 || !f.Position().IsZero() {
				t.Fatalf("an idle follower handed over %v and is at %s; want nothing, at the start", got, f.Position())
			}
			head, err := st.Read().LogHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			f.Advance(head)
			f.Advance(mohalla.Position{}) // behind: no move
			idle.Store(false)
			appendOne("live-1")
			if err := f.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != "live-1" || !head.Less(f.Position()) {
				t.Fatalf("after Advance to %s: handed over %v, at %s; want only live-1, past the head", head, got, f.Position())
			}
		})
	}
}
