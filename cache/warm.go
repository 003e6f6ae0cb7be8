package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// WarmerConfig configures NewWarmer.
type WarmerConfig struct {
	// Every is how often the popular products are refreshed. Default 5 minutes,
	// half the default TTL, so they never expire in between.
	Every time.Duration
	// Window is how far back orders count. Default 24 hours.
	Window time.Duration
	// Top is how many products are kept warm. Default 200.
	Top    int
	Logger *slog.Logger
}

// Warmer keeps the most ordered products of the last day in the cache.
type Warmer struct {
	st  *store.Store
	c   Cache
	cfg WarmerConfig
}

// NewWarmer returns a warmer of c from st.
func NewWarmer(st *store.Store, c Cache, cfg *WarmerConfig) *Warmer {
	if cfg == nil {
		cfg = &WarmerConfig{}
	}
	return &Warmer{st: st, c: c, cfg: WarmerConfig{
		Every:  cmp.Or(cfg.Every, 5*time.Minute),
		Window: cmp.Or(cfg.Window, 24*time.Hour),
		Top:    cmp.Or(cfg.Top, 200),
		Logger: cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
	}}
}

// Run warms at once and then every cfg.Every until ctx ends.
func (w *Warmer) Run(ctx context.Context) error {
	t := time.NewTicker(w.cfg.Every)
	defer t.Stop()
	for {
		if n, err := w.Warm(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.WarnContext(ctx, "cache warming failed", slog.Any("err", err))
		} else if err == nil {
			w.cfg.Logger.DebugContext(ctx, "cache warmed", slog.Int("products", n))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Warm loads the most ordered products of the window and fills the cache with
// them (renewing the TTL of those it holds already). It returns how many it
// offered.
func (w *Warmer) Warm(ctx context.Context) (int, error) {
	ctx = store.AsProjection(ctx, "cache-warmer")
	top, err := w.st.Read().PopularProducts(ctx, time.Now().Add(-w.cfg.Window), w.cfg.Top)
	if err != nil {
		return 0, fmt.Errorf("cache: popular products: %w", err)
	}
	n := 0
	for _, pp := range top {
		load := func(ctx context.Context, id string) (mohalla.Product, error) { return w.st.Read().Product(ctx, id) }
		if err := fill(ctx, w.c, Key{Product, pp.ProductID}, load); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return n, err
		}
		n++
	}
	return n, nil
}

// fill loads k's row and offers it to c, whether or not c holds it.
func fill[T Row](ctx context.Context, c Cache, k Key, load func(ctx context.Context, id string) (T, error)) error {
	_, err := Read(ctx, noGet{c}, k, load)
	return err
}

// noGet is a Cache whose reads always miss, so Read loads and fills.
type noGet struct{ Cache }

func (noGet) Get(context.Context, Key) (Entry, bool) { return Entry{}, false }
