package node

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// reads is the node's read side fed by the event log: the cache (Redis, or
// in-process), its projection and warmer, and the live-query hub, all woken at
// once by the log notifier when another node commits.
type reads struct {
	st       *store.Store
	log      *slog.Logger
	cache    cache.Cache
	notifier *eventlog.Notifier
	proj     *cache.Projection
	hub      *live.Hub

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// openReads builds the cache: on Redis at redisURL, or in-process without one.
func openReads(st *store.Store, redisURL string, log *slog.Logger) (*reads, error) {
	r := &reads{st: st, log: log, cache: cache.NewMemory(nil)}
	if redisURL != "" {
		rc, err := cache.NewRedis(&cache.RedisConfig{URL: redisURL, Logger: log})
		if err != nil {
			return nil, err
		}
		r.cache = rc
	}
	r.notifier = eventlog.NewNotifier(st, &eventlog.NotifierConfig{Logger: log})
	r.proj = cache.NewProjection(st, r.cache, &cache.ProjectionConfig{Notifier: r.notifier, Logger: log})
	return r, nil
}

// mount builds the hub on svc and serves GET /v1/live and its client files.
func (r *reads) newHub(svc *market.Service) *live.Hub {
	r.hub = live.NewHub(r.st, svc, &live.Config{Notifier: r.notifier, Logger: r.log})
	return r.hub
}

// start positions the projection and the hub in the log and runs them, the
// notifier and the warmer until stop.
func (r *reads) start(ctx context.Context) error {
	// A Redis that is down must not stop the node: the cache stays down, and
	// the projection keeps trying in the background.
	sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	err := r.proj.Start(sctx)
	cancel()
	if err != nil {
		r.log.WarnContext(ctx, "cache projection not started yet; reads go to the store", slog.Any("err", err))
	}
	if err := r.hub.Start(ctx); err != nil {
		return err
	}
	// Ending with ctx (serve's signal) too: the hub then ends its streams,
	// which an HTTP server shutting down would otherwise wait for.
	ctx, r.cancel = context.WithCancel(ctx)
	warmer := cache.NewWarmer(r.st, r.cache, &cache.WarmerConfig{Logger: r.log})
	for _, run := range []func(context.Context) error{r.notifier.Run, r.proj.Run, r.hub.Run, warmer.Run} {
		r.wg.Go(func() { _ = run(ctx) })
	}
	return nil
}

// stop ends the background work and closes the cache's connections.
func (r *reads) stop() {
	if r.cancel != nil {
		r.cancel()
		r.wg.Wait()
	}
	if rc, ok := r.cache.(*cache.Redis); ok {
		_ = rc.Close()
	}
}
