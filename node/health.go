package node

import (
	"context"

	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/store"
)

// lagDegraded is how many events a follower may trail the log head by before
// /readyz calls it degraded.
const lagDegraded = 1000

// probes are the components /readyz checks besides the store: the engine,
// the search follower, the cache, and Redis and SMTP when configured.
func (n *Node) probes(sender *mail.Sender) map[string]httpapi.Probe {
	p := map[string]httpapi.Probe{
		"engine": func(context.Context) (string, any) {
			h := n.Engine.Health()
			return h.Status, h
		},
		"search": func(ctx context.Context) (string, any) {
			pos := n.Search.Position()
			detail := map[string]any{"ready": n.Search.Ready(), "position": pos}
			if !n.Search.Ready() {
				return httpapi.StatusDegraded, detail
			}
			head, err := n.Store.Read().LogHead(store.AsProjection(ctx, "health"))
			if err != nil {
				return httpapi.StatusDegraded, detail
			}
			lag := max(head.ID-pos.ID, 0)
			detail["lag"] = lag
			if lag > lagDegraded {
				return httpapi.StatusDegraded, detail
			}
			return httpapi.StatusOK, detail
		},
		"cache": func(context.Context) (string, any) {
			h := n.Cache.Health()
			if h.Status != "ok" { // reads go to the store meanwhile
				return httpapi.StatusDegraded, h
			}
			return httpapi.StatusOK, h
		},
	}
	if rc, ok := n.Cache.(*cache.Redis); ok {
		p["redis"] = func(ctx context.Context) (string, any) {
			if err := rc.Ping(ctx); err != nil {
				return httpapi.StatusDown, err.Error()
			}
			return httpapi.StatusOK, nil
		}
	}
	if sender != nil {
		p["smtp"] = func(ctx context.Context) (string, any) {
			if err := sender.Ping(ctx); err != nil {
				return httpapi.StatusDown, err.Error()
			}
			return httpapi.StatusOK, nil
		}
	}
	return p
}
