package eventlog_test

import (
	"context"
	"fmt"
	"os"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
)

// A follower hands its handler each committed event once, in log order, from
// its cursor: one started at the position of the first event reads only the
// ones after it.
func ExampleFollower() {
	ctx := store.AsSystem(context.Background(), "example")
	dir, err := os.MkdirTemp("", "eventlog-example")
	check(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	check(err)
	defer st.Close()
	check(st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, []mohalla.Event{
			{ID: "ev-1", Name: "shop/created", Data: []byte(`{}`), TS: 1},
			{ID: "ev-2", Name: "product/created", Data: []byte(`{}`), TS: 2},
			{ID: "ev-3", Name: "product/updated", Data: []byte(`{}`), TS: 3},
		})
		return err
	}))

	show := func(_ context.Context, evs []mohalla.Event) error {
		for _, e := range evs {
			fmt.Println(e.Pos.ID, e.Name)
		}
		return nil
	}
	f := eventlog.NewFollower(st, mohalla.Position{ID: 1}, show, nil)
	check(f.CatchUp(ctx))
	fmt.Println("at", f.Position().ID)
	// Output:
	// 2 product/created
	// 3 product/updated
	// at 3
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
