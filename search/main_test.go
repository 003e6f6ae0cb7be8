package search_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	if os.Getenv(nodeEnv) != "" {
		runNode() // the node process of TestRestartCatchesUp
	}
	code := m.Run()
	neighbourhood.close()
	storetest.DropTemplates()
	os.Exit(code)
}

// openIndex opens an index in dir on st, caught up with the log, closed when
// the test ends.
func openIndex(t testing.TB, st *store.Store, dir string) *search.Index {
	t.Helper()
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: dir, Poll: 5 * time.Millisecond})
	if err != nil {
		t.Fatalf("NewIndex: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatalf("CatchUp: %v", err)
	}
	return ix
}

// seedDemo writes a demo neighbourhood of the given size into st.
func seedDemo(t testing.TB, st *store.Store, cfg *demo.Config) (*market.Service, *demo.Neighbourhood) {
	t.Helper()
	svc := market.New(st, nil)
	n, err := demo.Seed(context.Background(), svc, cfg)
	if err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	return svc, n
}

// neighbourhood is the default demo neighbourhood (20 shops, 3,000 products)
// in a SQLite store with its index, built once and shared by the tests that
// only read it.
var neighbourhood demoFixture

type demoFixture struct {
	once sync.Once
	err  error
	dir  string
	st   *store.Store
	ix   *search.Index
	n    *demo.Neighbourhood
}

func demoIndex(t testing.TB) (*search.Index, *demo.Neighbourhood) {
	t.Helper()
	f := &neighbourhood
	f.once.Do(func() {
		ctx := context.Background()
		if f.dir, f.err = os.MkdirTemp("", "mohalla-search-test-"); f.err != nil {
			return
		}
		if f.st, f.err = store.Open(ctx, store.Config{DataDir: f.dir}); f.err != nil {
			return
		}
		if f.n, f.err = demo.Seed(ctx, market.New(f.st, nil), nil); f.err != nil {
			return
		}
		if f.ix, f.err = search.NewIndex(f.st, &search.IndexConfig{Dir: f.dir + "/search"}); f.err != nil {
			return
		}
		f.err = f.ix.CatchUp(ctx)
	})
	if f.err != nil {
		t.Fatalf("demo neighbourhood: %v", f.err)
	}
	return f.ix, f.n
}

func (f *demoFixture) close() {
	if f.ix != nil {
		_ = f.ix.Close()
	}
	if f.st != nil {
		f.st.Close()
	}
	if f.dir != "" {
		_ = os.RemoveAll(f.dir)
	}
}

func names(hits []search.ProductHit) string {
	s := ""
	for i, h := range hits {
		if i == 5 {
			break
		}
		s += fmt.Sprintf("%q ", h.Name)
	}
	return s
}
