package search_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// The environment of the node process TestRestartCatchesUp starts and kills.
const (
	nodeEnv      = "MOHALLA_SEARCH_TEST_NODE"
	nodeStoreURL = "MOHALLA_SEARCH_TEST_STORE_URL"
	nodeStoreDir = "MOHALLA_SEARCH_TEST_STORE_DIR"
	nodeIndexDir = "MOHALLA_SEARCH_TEST_INDEX_DIR"
)

// runNode is the main of the node process: it follows the log into its index
// and says "ready" once caught up, until it is killed.
func runNode() {
	ctx := store.AsProjection(context.Background(), "test") // reads the store raw, as a projection
	st, err := store.Open(ctx, store.Config{URL: os.Getenv(nodeStoreURL), DataDir: os.Getenv(nodeStoreDir)})
	if err != nil {
		fmt.Println("node:", err)
		os.Exit(1)
	}
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: os.Getenv(nodeIndexDir), Poll: 2 * time.Millisecond, Batch: 7})
	if err == nil {
		err = ix.CatchUp(ctx)
	}
	if err != nil {
		fmt.Println("node:", err)
		os.Exit(1)
	}
	fmt.Println("ready", ix.Position())
	err = ix.Run(ctx)
	fmt.Println("node:", err)
	os.Exit(1)
}

// TestRestartCatchesUp runs a node in a process of its own, kills it with
// SIGKILL while products are written, writes more while it is down, and opens
// its index again: the index resumes from its cursor (no rebuild) and then
// holds every product at its stored version, and nothing discontinued.
func TestRestartCatchesUp(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := store.AsProjection(context.Background(), "test") // reads the store raw, as a projection
			var cfg store.Config
			if kind == "postgres" {
				cfg.URL, cfg.MaxConns = storetest.NewDatabase(t), storetest.MaxConns
			} else {
				cfg.DataDir = t.TempDir()
			}
			st, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svc, n := seedDemo(t, st, &smallDemo)
			dir := t.TempDir()

			node := exec.Command(os.Args[0], "-test.run=^$")
			node.Env = append(os.Environ(), nodeEnv+"=1", nodeStoreURL+"="+cfg.URL, nodeStoreDir+"="+cfg.DataDir, nodeIndexDir+"="+dir)
			out, err := node.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			node.Stderr = os.Stderr
			if err := node.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(out)
			var ready mohalla.Position
			if !lines.Scan() {
				t.Fatal("the node said nothing")
			}
			if pos, ok := strings.CutPrefix(lines.Text(), "ready "); !ok || ready.UnmarshalText([]byte(pos)) != nil {
				_ = node.Process.Kill()
				t.Fatalf("node said %q, want ready", lines.Text())
			}
			current, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
			if err != nil {
				t.Fatal(err)
			}

			// Write while the node follows, and kill it in the middle.
			var wg sync.WaitGroup
			wg.Go(func() { write(t, svc, n.Shops[0].ID, 0, 60, 3*time.Millisecond) })
			time.Sleep(100 * time.Millisecond)
			if err := node.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = node.Wait()
			wg.Wait()
			write(t, svc, n.Shops[1].ID, 60, 30, 0) // while the node is down

			ix, err := search.NewIndex(st, &search.IndexConfig{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			t.Logf("the node was killed at %v (ready at %v)", ix.Position(), ready)
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if again, _ := os.ReadFile(filepath.Join(dir, "CURRENT")); string(again) != string(current) {
				t.Fatalf("the index was rebuilt (%s -> %s), want it to resume", current, again)
			}
			assertMirrors(t, st, ix)
		})
	}
}

// write creates products from..from+count, renames every third and
// discontinues every fifth.
func write(t *testing.T, svc *market.Service, shop string, from, count int, pause time.Duration) {
	ctx := store.AsProjection(context.Background(), "test") // reads the store raw, as a projection
	for i := from; i < from+count; i++ {
		p, err := svc.CreateProduct(ctx, admin, market.CreateProduct{Name: uniqueName(i), Price: new(mohalla.Money(5000)),
			Category: "snacks", ShopID: shop, Stock: new(int64(10))})
		if err == nil && i%3 == 0 {
			_, err = svc.UpdateProduct(ctx, admin, p.ID, market.UpdateProduct{Name: new(uniqueName(i) + " Renamed")})
		}
		if err == nil && i%5 == 0 {
			err = svc.DeleteProduct(ctx, admin, p.ID)
		}
		if err != nil {
			t.Error(err)
			return
		}
		time.Sleep(pause)
	}
}

// assertMirrors wants ix to hold exactly the products on sale in st, each at
// its stored version.
func assertMirrors(t *testing.T, st *store.Store, ix *search.Index) {
	t.Helper()
	ctx := store.AsProjection(context.Background(), "test") // reads the store raw, as a projection
	total, after := 0, ""
	for {
		ps, err := st.Read().ListProducts(ctx, store.ProductFilter{After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if v, err := ix.ProductVersion(ctx, p.ID); err != nil || v != p.Version {
				t.Fatalf("product %s (%s): indexed version %d, %v; stored %d", p.ID, p.Name, v, err, p.Version)
			}
		}
		total += len(ps)
		if len(ps) < 500 {
			break
		}
		after = ps[len(ps)-1].ID
	}
	c, err := ix.Counts(ctx)
	if err != nil || c.Products != uint64(total) {
		t.Fatalf("index counts %+v, %v; the store has %d products on sale", c, err, total)
	}
	if res, err := ix.Products(ctx, search.ProductQuery{Q: "renamed"}); err != nil || res.Found == 0 {
		t.Fatalf("renamed products: %+v, %v", res.Found, err)
	}
}
