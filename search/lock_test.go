package search_test

import (
	"errors"
	"fmt"
	"os"
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
	_, err = search.NewIndex(st, &search.IndexConfig{Dir: dir})
	var iu *search.InUseError
	if !errors.As(err, &iu) || iu.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("in use by this process (pid %d)", os.Getpid())) {
		t.Fatalf("a second NewIndex of an unbuilt index: %v, want it refused as in use by pid %d", err, os.Getpid())
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
