package demo

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// Seed generates the neighbourhood cfg describes and writes it through svc:
// people register themselves, and each owner creates their shop and its
// products (in batches, see seedProducts), so every row comes with its event. Every create carries its id, so
// seeding again with the same Config writes nothing new, and seeding with more
// users or products adds only the new ones. It returns the neighbourhood, with
// Written counting what this call wrote.
func Seed(ctx context.Context, svc *market.Service, cfg *Config) (*Neighbourhood, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	n, err := Generate(&c)
	if err != nil {
		return nil, err
	}
	owners := make(map[string]mohalla.Caller, len(n.Shops))
	for i, sh := range n.Shops {
		owners[sh.ID] = n.People[i].Caller()
	}
	// Each step reads a row before it creates it, to tell what it wrote from
	// what a seed before it did; a row already there is left as it is, as its
	// create would have left it.
	steps := []struct {
		what    string
		count   int
		written *int
		fn      func(ctx context.Context, i int) (bool, error)
	}{
		{"users", len(n.People), &n.Written.Users, func(ctx context.Context, i int) (bool, error) {
			p := n.People[i]
			return create(ctx, p.ID, func(ctx context.Context) error {
				_, err := svc.User(ctx, p.Caller(), p.ID)
				return err
			}, func(ctx context.Context) error {
				_, err := svc.CreateUser(ctx, p.Caller(), market.CreateUser{ID: p.ID, Email: p.Email, Name: p.Name, Phone: p.Phone})
				return err
			})
		}},
		{"shops", len(n.Shops), &n.Written.Shops, func(ctx context.Context, i int) (bool, error) {
			sh := n.Shops[i]
			return create(ctx, sh.ID, func(ctx context.Context) error {
				_, err := svc.Shop(ctx, sh.ID)
				return err
			}, func(ctx context.Context) error {
				_, err := svc.CreateShop(ctx, owners[sh.ID], market.CreateShop{ID: sh.ID, Name: sh.Name, OwnerID: sh.OwnerID,
					Location: &sh.Location, Pincode: sh.Pincode, Address: sh.Address})
				return err
			})
		}},
	}
	for _, s := range steps {
		start := time.Now()
		var written atomic.Int64
		err := parallel(ctx, c.Workers, s.count, func(ctx context.Context, i int) error {
			wrote, err := s.fn(ctx, i)
			if wrote {
				written.Add(1)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("demo: seed %s: %w", s.what, err)
		}
		*s.written = int(written.Load())
		c.Logger.DebugContext(ctx, "demo "+s.what+" seeded", slog.Int("count", s.count), slog.Int("written", *s.written),
			slog.Duration("took", time.Since(start)))
	}
	start := time.Now()
	if n.Written.Products, err = seedProducts(ctx, svc, n, owners, c.Workers); err != nil {
		return nil, fmt.Errorf("demo: seed products: %w", err)
	}
	c.Logger.DebugContext(ctx, "demo products seeded", slog.Int("count", len(n.Products)),
		slog.Int("written", n.Written.Products), slog.Duration("took", time.Since(start)))
	if err := svc.OfferDemoAccounts(ctx, mohalla.System, n.Accounts()); err != nil {
		return nil, fmt.Errorf("demo: offer its accounts: %w", err)
	}
	return n, nil
}

// seedProducts writes the products of n that are not in the store yet as
// their shops' owners, through the batch write (market's UpsertProducts, as
// POST /v1/products/batch and mohalla import do): up to market.MaxBatch
// products of one shop a transaction, each with its event and audit row, so
// that seeding thousands of products takes a few transactions instead of a
// transaction each. A product already there is left as it is (not sent,
// so not updated back to the plan), as its create would have left it. It
// returns the products it created.
func seedProducts(ctx context.Context, svc *market.Service, n *Neighbourhood, owners map[string]mohalla.Caller, workers int) (int, error) {
	var chunks [][]mohalla.Product
	at := map[string]int{} // the chunk of each shop being filled
	for _, p := range n.Products {
		k, ok := at[p.ShopID]
		if !ok || len(chunks[k]) == market.MaxBatch {
			k = len(chunks)
			at[p.ShopID] = k
			chunks = append(chunks, nil)
		}
		chunks[k] = append(chunks[k], p)
	}
	var written atomic.Int64
	err := parallel(ctx, workers, len(chunks), func(ctx context.Context, k int) error {
		ids := make([]string, len(chunks[k]))
		for i, p := range chunks[k] {
			ids[i] = p.ID
		}
		there, err := svc.Store().Read().Products(store.AsSystem(ctx, "demo"), ids)
		if err != nil {
			return err
		}
		var items []market.CreateProduct
		for _, p := range chunks[k] {
			if _, ok := there[p.ID]; !ok {
				items = append(items, market.CreateProduct{ID: p.ID, Name: p.Name, Description: p.Description,
					Price: &p.Price, Category: p.Category, ShopID: p.ShopID, Stock: &p.Stock, Unit: p.Unit})
			}
		}
		if len(items) == 0 {
			return nil
		}
		res, err := svc.UpsertProducts(ctx, owners[items[0].ShopID], market.ProductBatch{Items: items})
		if err != nil {
			return wrap(fmt.Sprintf("%d products of %s", len(items), items[0].ShopID), err)
		}
		for _, it := range res.Items {
			if it.Result == "created" {
				written.Add(1)
			}
		}
		return nil
	})
	return int(written.Load()), err
}

// create calls write unless find finds the row already there, and reports
// whether it wrote.
func create(ctx context.Context, id string, find, write func(context.Context) error) (bool, error) {
	err := find(ctx)
	if err == nil {
		return false, nil
	}
	if mohalla.ErrorCode(err) != mohalla.ENOTFOUND {
		return false, wrap(id, err)
	}
	return true, wrap(id, write(ctx))
}

// parallel calls fn for 0 ≤ i < n from up to workers goroutines and returns the
// first error, after which it starts no more calls.
func parallel(ctx context.Context, workers, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

func wrap(id string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	return nil
}
