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
)

// Seed generates the neighbourhood cfg describes and writes it through svc:
// people register themselves, and each owner creates their shop and its
// products, so every row comes with its event. Every create carries its id, so
// seeding again with the same Config writes nothing new, and seeding with more
// users or products adds only the new ones. It returns the neighbourhood.
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
	steps := []struct {
		what  string
		count int
		fn    func(ctx context.Context, i int) error
	}{
		{"users", len(n.People), func(ctx context.Context, i int) error {
			p := n.People[i]
			_, err := svc.CreateUser(ctx, p.Caller(), market.CreateUser{ID: p.ID, Email: p.Email, Name: p.Name, Phone: p.Phone})
			return wrap(p.ID, err)
		}},
		{"shops", len(n.Shops), func(ctx context.Context, i int) error {
			sh := n.Shops[i]
			_, err := svc.CreateShop(ctx, owners[sh.ID], market.CreateShop{ID: sh.ID, Name: sh.Name, OwnerID: sh.OwnerID,
				Location: &sh.Location, Pincode: sh.Pincode, Address: sh.Address})
			return wrap(sh.ID, err)
		}},
		{"products", len(n.Products), func(ctx context.Context, i int) error {
			p := n.Products[i]
			_, err := svc.CreateProduct(ctx, owners[p.ShopID], market.CreateProduct{ID: p.ID, Name: p.Name,
				Description: p.Description, Price: &p.Price, Category: p.Category, ShopID: p.ShopID,
				Stock: &p.Stock, Unit: p.Unit})
			return wrap(p.ID, err)
		}},
	}
	for _, s := range steps {
		start := time.Now()
		if err := parallel(ctx, c.Workers, s.count, s.fn); err != nil {
			return nil, fmt.Errorf("demo: seed %s: %w", s.what, err)
		}
		c.Logger.InfoContext(ctx, "demo "+s.what+" seeded", slog.Int("count", s.count), slog.Duration("took", time.Since(start)))
	}
	return n, nil
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
