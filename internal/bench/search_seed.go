package bench

import (
	"context"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
)

// seedSearch writes the neighbourhood n of cfg to svc's store: its people,
// shops and first product as demo.Seed writes them, and the other products
// in batches of market.MaxBatch, each one transaction (UpsertProducts), as
// an import does. One transaction per product, as demo.Seed writes them,
// took over an hour for a million on a loaded machine; batches take
// minutes. A batch writes nothing for the products already there, so a seed
// that stopped half way resumes.
func seedSearch(ctx context.Context, svc *market.Service, cfg *demo.Config, n *demo.Neighbourhood, log *slog.Logger) error {
	first := *cfg
	first.Products = 1 // the first product of any size of neighbourhood is the same
	if _, err := demo.Seed(ctx, svc, &first); err != nil {
		return err
	}
	admin := mohalla.Caller{ID: "bench", Role: mohalla.RoleAdmin}
	start, last := time.Now(), time.Now()
	items := make([]market.CreateProduct, 0, market.MaxBatch)
	for i := 1; i < len(n.Products); i += market.MaxBatch {
		items = items[:0]
		for _, p := range n.Products[i:min(i+market.MaxBatch, len(n.Products))] {
			items = append(items, market.CreateProduct{ID: p.ID, Name: p.Name, Description: p.Description,
				Price: &p.Price, Category: p.Category, ShopID: p.ShopID, Stock: &p.Stock, Unit: p.Unit})
		}
		if _, err := svc.UpsertProducts(ctx, admin, market.ProductBatch{Items: items}); err != nil {
			return err
		}
		if time.Since(last) > 10*time.Second {
			last = time.Now()
			log.InfoContext(ctx, "seeding products", slog.Int("written", i+len(items)), slog.Int("of", len(n.Products)),
				slog.Duration("took", time.Since(start).Round(time.Second)))
		}
	}
	return nil
}
