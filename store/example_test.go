package store_test

import (
	"context"
	"fmt"
	"os"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// A store on an embedded SQLite file (an empty URL; a postgres:// one opens
// PostgreSQL, with the same queries): a transaction appends events to the
// log, an event sent twice is stored once, and a reader reads the log in
// order from a position.
func Example() {
	dir, err := os.MkdirTemp("", "store-example")
	check(err)
	defer os.RemoveAll(dir)
	ctx := store.AsSystem(context.Background(), "example")
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	check(err)
	defer st.Close()

	events := []mohalla.Event{
		{ID: "ev-1", Name: "shop/created", Data: []byte(`{"shop_id":"s1"}`), TS: 1},
		{ID: "ev-2", Name: "product/created", Data: []byte(`{"product_id":"p1"}`), TS: 2},
	}
	for range 2 { // the second time, every event is already in the log
		err = st.InTx(ctx, func(tx *store.Tx) error {
			stored, err := tx.AppendEvents(ctx, events)
			fmt.Println("stored", len(stored))
			return err
		})
		check(err)
	}
	evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10)
	check(err)
	for _, e := range evs {
		fmt.Println(e.Pos.ID, e.Name, string(e.Data))
	}
	fmt.Println(st.Kind())
	// Output:
	// stored 2
	// stored 0
	// 1 shop/created {"shop_id":"s1"}
	// 2 product/created {"product_id":"p1"}
	// sqlite
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
