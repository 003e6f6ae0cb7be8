package retention_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/retention"
	"github.com/mohallamart/mohalla/store"
)

// A Pruner on the embedded SQLite store, with its clock set: of three events,
// the two older than the 30 days of event retention are deleted and the
// recent one is kept. In a node the pruner runs as the cron function
// p.Function(); Prune is one tick of it.
func Example() {
	dir, err := os.MkdirTemp("", "retention-example")
	check(err)
	defer os.RemoveAll(dir)
	ctx := store.AsSystem(context.Background(), "example")
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	check(err)
	defer st.Close()

	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ms := func(daysAgo int) int64 { return now.Add(-time.Duration(daysAgo) * retention.Day).UnixMilli() }
	check(st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AppendEvents(ctx, []mohalla.Event{
			{ID: "ev-1", Name: "shop/created", Data: []byte(`{}`), TS: ms(60)},
			{ID: "ev-2", Name: "shop/updated", Data: []byte(`{}`), TS: ms(45)},
			{ID: "ev-3", Name: "shop/updated", Data: []byte(`{}`), TS: ms(1)},
		})
		return err
	}))

	p := retention.New(st, &retention.Config{Now: func() time.Time { return now }})
	fmt.Println("events kept for", int(p.Config().Events/retention.Day), "days")
	pruned, done, err := p.Prune(ctx)
	check(err)
	fmt.Println("pruned events:", pruned["events"], "done:", done)
	evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10)
	check(err)
	for _, e := range evs {
		fmt.Println("kept", e.ID, e.Name)
	}
	// Output:
	// events kept for 30 days
	// pruned events: 2 done: true
	// kept ev-3 shop/updated
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
