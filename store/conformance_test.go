package store_test

import (
	"testing"

	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestConformance runs the store's conformance suite on every kind of store.
func TestConformance(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			storetest.Exercise(t, func(t testing.TB) *store.Store { return storetest.Open(t, kind) })
		})
	}
}
