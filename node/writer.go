package node

import (
	"cmp"
	"context"
	"log/slog"

	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// Writer writes to a node's store as a node does, without being one: each
// write queues the functions that follow it, in its own transaction, and a
// serving node runs them. It holds no search index and serves nothing, so it
// works beside a node serving the same data directory (the seed uses it).
type Writer struct {
	Store   *store.Store
	Service *market.Service
	// Engine queues runs (of the market's functions; not the sync
	// monitor's) but never runs them: it is not started.
	Engine *engine.Engine
	cache  cache.Cache
}

// OpenWriter opens the store of cfg and the market service on it.
func OpenWriter(ctx context.Context, cfg Config) (w *Writer, err error) {
	cfg.DataDir = cmp.Or(cfg.DataDir, "data")
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	ecfg := cfg.Engine
	ecfg.Logger = log
	eng, err := engine.New(ctx, st, &ecfg)
	if err != nil {
		return nil, err
	}
	fns, _, _, err := marketFunctions(st, cfg, log)
	if err == nil {
		err = eng.Register(fns...)
	}
	if err != nil {
		return nil, err
	}
	// Writes evict what they change from a shared cache; an in-process one
	// here would hold nothing.
	var c cache.Cache
	if cfg.RedisURL != "" {
		if c, err = cache.NewRedis(&cache.RedisConfig{URL: cfg.RedisURL, Logger: log}); err != nil {
			return nil, err
		}
	}
	svc := market.New(st, &market.Config{Logger: log, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit, Cache: c,
		AllowPrivateWebhooks: cfg.AllowPrivateWebhooks})
	return &Writer{Store: st, Service: svc, Engine: eng, cache: c}, nil
}

// Close stops the engine (never started here), and closes the cache and the store.
func (w *Writer) Close(ctx context.Context) error {
	err := w.Engine.Stop(ctx)
	if rc, ok := w.cache.(*cache.Redis); ok {
		_ = rc.Close()
	}
	w.Store.Close()
	return err
}
