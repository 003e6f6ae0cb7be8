package storetest_test

import (
	"fmt"

	"github.com/mohallamart/mohalla/store/storetest"
)

// A conformance test runs once per kind of store in Kinds, each on a store
// from Open (which needs the test's t, so it is not run here). A test that
// hands a database URL to a serve process instead of opening the store itself
// caps that process's pool with PoolURL, so the tests fit the server's
// max_connections.
func Example() {
	for _, kind := range storetest.Kinds {
		fmt.Println("kind", kind) // t.Run(kind, func(t *testing.T) { st := storetest.Open(t, kind); ... })
	}
	fmt.Println(storetest.PoolURL("postgres://postgres@127.0.0.1:5432/ex3_orders?sslmode=disable"))
	fmt.Println("max conns", storetest.MaxConns)
	// Output:
	// kind sqlite
	// kind postgres
	// postgres://postgres@127.0.0.1:5432/ex3_orders?pool_max_conns=8&sslmode=disable
	// max conns 8
}
