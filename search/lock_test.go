package search_test

import (
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store/storetest"
)

// An index directory has one owner from NewIndex to Close, even before its
// first generation is built: a second opener is refused and removes nothing.
func TestIndexDirHasOneOwner(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "sqlite")
	dir := t.TempDir()
	first, err := search.NewIndex(st, &search.IndexConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := search.NewIndex(st, &search.IndexConfig{Dir: dir}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("a second NewIndex of an unbuilt index: %v, want it refused as in use", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := search.NewIndex(st, &search.IndexConfig{Dir: dir})
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	_ = again.Close()
}
