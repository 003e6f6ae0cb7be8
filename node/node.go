// Package node assembles one mohalla serve process: the store, the market
// service, the functions engine with the marketplace's functions, the metrics and
// the HTTP handler, wired so that every write queues its consequences in its own
// transaction. It is the one place where the parts meet.
package node

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
)

// Config configures a node. Only what differs from the embedded default needs
// setting.
type Config struct {
	// DataDir holds the SQLite store, the JWT secret and the search index.
	// Default "./data".
	DataDir string
	// DatabaseURL is a postgres:// URL; empty means SQLite in DataDir.
	DatabaseURL string
	// SMTPURL is an smtp://[user:pass@]host:port URL; empty records emails
	// without sending them.
	SMTPURL string
	// MailFrom is the sender of emails. Default "Mohalla Mart <orders@mohalla.local>".
	MailFrom string
	// RedisURL is a redis:// URL of the cache shared by the nodes; empty means
	// an in-process cache.
	RedisURL string
	// Engine tunes the functions engine; its Logger and Observer are set here.
	Engine engine.Config
	Logger *slog.Logger
}

// Node is a running process's parts.
type Node struct {
	Store   *store.Store
	Service *market.Service
	Engine  *engine.Engine
	Metrics *metrics.Metrics
	Signer  *auth.Signer
	// Handler serves the API, /metrics, River's UI and the live queries.
	Handler http.Handler
	// Cache serves the market's reads of products, shops, users and orders.
	Cache cache.Cache
	// Live publishes the live queries of GET /v1/live.
	Live *live.Hub

	reads *reads

	log *slog.Logger
}

// Open opens the store and builds the node's parts; Start starts its background
// work.
func Open(ctx context.Context, cfg Config) (n *Node, err error) {
	cfg.DataDir = cmp.Or(cfg.DataDir, "data")
	cfg.MailFrom = cmp.Or(cfg.MailFrom, "Mohalla Mart <orders@mohalla.local>")
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n = &Node{log: log, Metrics: metrics.New()}
	if n.Store, err = store.Open(ctx, store.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log}); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			n.Store.Close()
		}
	}()
	secret, err := auth.LoadSecret(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if n.Signer, err = auth.NewSigner(secret); err != nil {
		return nil, err
	}

	ecfg := cfg.Engine
	ecfg.Logger, ecfg.Observer = log, n.Metrics
	if n.Engine, err = engine.New(ctx, n.Store, &ecfg); err != nil {
		return nil, err
	}
	ncfg := &notify.Config{Logger: log}
	if cfg.SMTPURL != "" {
		sender, err := mail.NewSender(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, err
		}
		ncfg.Mailer = sender
	}
	an := analytics.New(n.Store, &analytics.Config{Logger: log})
	if err := n.Engine.Register(append(notify.New(n.Store, ncfg).Functions(), an.Functions()...)...); err != nil {
		return nil, err
	}
	if n.reads, err = openReads(n.Store, cfg.RedisURL, log); err != nil {
		return nil, err
	}
	n.Cache = n.reads.cache
	n.Service = market.New(n.Store, &market.Config{Logger: log, OnEvents: n.Engine.Enqueue, AfterCommit: n.Engine.AfterCommit,
		Cache: n.Cache})
	n.Metrics.WatchStore(n.Store, log)

	riverUI, err := n.Engine.RiverUI(ctx, httpapi.RiverUIPrefix)
	if err != nil {
		return nil, fmt.Errorf("river UI: %w", err)
	}
	api := httpapi.New(n.Service, n.Signer, &httpapi.Config{Logger: log, Engine: n.Engine, RiverUI: riverUI, Analytics: an})
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", n.Metrics.Handler())
	mux.Handle("/", api)
	n.reads.mount(mux, n.Service, n.Signer)
	n.Live = n.reads.hub
	n.Handler = n.Metrics.Middleware(mux)
	return n, nil
}

// Start starts the functions engine (and with it cron), and the cache's
// projection and warmer and the live hub.
func (n *Node) Start(ctx context.Context) error {
	if err := n.reads.start(ctx); err != nil {
		return err
	}
	return n.Engine.Start(ctx)
}

// Close stops the background work, waiting for it until ctx ends, and closes
// the store.
func (n *Node) Close(ctx context.Context) error {
	err := n.Engine.Stop(ctx)
	n.reads.stop()
	n.Store.Close()
	if errors.Is(err, context.DeadlineExceeded) {
		n.log.WarnContext(ctx, "functions still running at shutdown are retried later")
		return nil
	}
	return err
}
