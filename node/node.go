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
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"

	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/apidocs"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/logthrottle"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/ratelimit"
	"github.com/mohallamart/mohalla/retention"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/syncmon"
	"github.com/mohallamart/mohalla/web"
)

// Config configures a node. Only what differs from the embedded default needs
// setting.
type Config struct {
	// DataDir holds the SQLite store, the JWT secret and the search index.
	// Default "./data".
	DataDir string
	// DatabaseURL is a postgres:// URL; empty means SQLite in DataDir.
	DatabaseURL string
	// MaxConns bounds the PostgreSQL pool. Default the store's.
	MaxConns int32
	// SMTPURL is an smtp://[user:pass@]host:port URL; empty records emails
	// without sending them.
	SMTPURL string
	// MailFrom is the sender of emails. Default "Mohalla Mart <orders@mohalla.local>".
	MailFrom string
	// RedisURL is a redis:// URL of the cache shared by the nodes; empty means
	// an in-process cache.
	RedisURL string
	// Limits are each caller's request budgets and live stream bounds (see
	// httpapi.Limits). Nil means httpapi.DefaultLimits; a Limits whose
	// budgets are all Off limits nothing. Without a Limiter of its own, the
	// node keeps the budgets in Redis at RedisURL, shared by every node, or
	// in process without one.
	Limits *httpapi.Limits
	// CORSOrigins are the origins whose browser apps may call the API
	// (httpapi.Config.CORSOrigins). Default none.
	CORSOrigins []string
	// AllowPrivateWebhooks is the development switch (serve
	// --allow-private-webhooks): shops' webhooks may be http:// and point at
	// loopback and private addresses. Never in production.
	AllowPrivateWebhooks bool
	// ShopOrdersPerMinute, when above zero, throttles each shop's new-order
	// notifications (notify.Config.ShopOrdersPerMinute). Default none.
	ShopOrdersPerMinute int
	// SyncSchedule is the sync monitor's cron. Default every 5 minutes.
	SyncSchedule string
	// Engine tunes the functions engine; its Logger and Observer are set here.
	Engine engine.Config
	// Alerts says whom to tell of failures, drift, lag and retry storms, and
	// how often; the mailer (SMTPURL's), the webhook client (the shops'), the
	// followers watched and the logger are set here.
	Alerts alerts.Config
	// Retention says how long history is kept before the pruner deletes it.
	Retention retention.Config
	// History says how often the node samples its own metrics for GET
	// /v1/metrics/history and how long it keeps them. Default every 15 s for
	// an hour.
	History metrics.HistoryConfig
	Logger  *slog.Logger
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
	api     *httpapi.Server // Handler's API, closed with the node
	// Cache serves the market's reads of products, shops, users and orders.
	Cache cache.Cache
	// Search is this node's product search index, in DataDir/search.
	Search *search.Index
	// Sync is the sync monitor of this node's index and the cache.
	Sync *syncmon.Monitor
	// Live publishes the live queries of GET /v1/live.
	Live *live.Hub
	// Limiter keeps the callers' request budgets.
	Limiter *ratelimit.Limiter
	// Alerts records and sends the operators' alerts.
	Alerts *alerts.Alerts
	// History samples the node's metrics while it runs.
	History *metrics.History

	reads     *reads
	throttled []*logthrottle.Handler // the libraries' loggers, for mohalla_logs_suppressed_total

	log        *slog.Logger
	stopSearch context.CancelFunc
	stopUI     context.CancelFunc
	sampling   sync.WaitGroup
	searching  sync.WaitGroup
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
	built := &Node{log: log, Metrics: metrics.New()}
	n = built
	pgxLog := logthrottle.New(log.Handler(), "pgx", time.Minute)
	n.throttled = []*logthrottle.Handler{pgxLog}
	if cfg.RedisURL != "" {
		n.throttled = append(n.throttled, cache.LogRedisClient(log))
	}
	if n.Store, err = store.Open(ctx, store.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxConns: cfg.MaxConns, Logger: log,
		Observer: n.Metrics, DriverLog: slog.New(pgxLog)}); err != nil {
		return nil, err
	}
	defer func() { // n is nil by now if Open failed: close what it opened through built
		if err != nil {
			if built.Search != nil {
				_ = built.Search.Close()
			}
			built.Store.Close()
		}
	}()
	if off, err := n.Store.AutovacuumOff(ctx); err != nil {
		return nil, err
	} else if off {
		log.WarnContext(ctx, "PostgreSQL's autovacuum is off: deleted rows' space is not reused, and plans that "+
			"connections cached while a table was small are kept as it grows; turn it on (autovacuum = on), "+
			"or VACUUM ANALYZE the database regularly")
	}
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
	if h := n.Engine.RiverLogThrottle(); h != nil {
		n.throttled = append(n.throttled, h)
	}
	var sender *mail.Sender
	if cfg.SMTPURL != "" {
		if sender, err = mail.NewSender(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return nil, err
		}
	}
	fns, an, notifier := marketFunctions(n.Store, cfg, sender, log)
	if n.reads, err = openReads(n.Store, cfg.RedisURL, log); err != nil {
		return nil, err
	}
	n.Cache = n.reads.cache
	if n.Search, err = search.NewIndex(n.Store, &search.IndexConfig{Dir: filepath.Join(cfg.DataDir, "search"), Logger: log}); err != nil {
		return nil, err
	}
	// The live hub is built with the handler below; the monitor reads its
	// position only when it checks.
	followers := []syncmon.Follower{
		{Name: "search", Position: n.Search.Position},
		{Name: "cache", Position: n.reads.proj.Position},
		{Name: "live", Position: func() mohalla.Position { return n.Live.Position() }},
	}
	n.Sync = syncmon.New(n.Store, n.Search, n.Cache, &syncmon.Config{Schedule: cfg.SyncSchedule, Logger: log,
		Followers: followers})
	acfg := cfg.Alerts
	acfg.Post, acfg.Logger = notifier.Post, log
	for _, f := range followers {
		acfg.Followers = append(acfg.Followers, alerts.Follower{Name: f.Name, Position: f.Position})
	}
	if sender != nil && len(acfg.Emails) > 0 {
		acfg.Mailer = sender
	}
	n.Alerts = alerts.New(n.Store, &acfg)
	rcfg := cfg.Retention
	rcfg.Logger = log
	pruner := retention.New(n.Store, &rcfg)
	n.Metrics.Registry.MustRegister(pruner.Collector())
	if err := n.Engine.Register(slices.Concat(fns, []*engine.Function{n.Sync.Function(), pruner.Function()},
		n.Alerts.Functions())...); err != nil {
		return nil, err
	}
	n.Service = market.New(n.Store, &market.Config{Logger: log, OnEvents: n.Engine.Enqueue, AfterCommit: n.Engine.AfterCommit,
		Cache: n.Cache, AllowPrivateWebhooks: cfg.AllowPrivateWebhooks})
	n.Metrics.WatchStore(n.Store, log)
	n.History = metrics.NewHistory(n.Metrics, &cfg.History)

	// River's UI runs background queries until Close, not until ctx ends.
	uiCtx, stopUI := context.WithCancel(context.WithoutCancel(ctx))
	n.stopUI = stopUI
	riverUI, err := n.Engine.RiverUI(uiCtx, httpapi.RiverUIPrefix)
	if err != nil {
		return nil, fmt.Errorf("river UI: %w", err)
	}
	n.Live = n.reads.newHub(n.Service)
	limits := httpapi.DefaultLimits()
	if cfg.Limits != nil {
		limits = *cfg.Limits
	}
	if limits.Limiter == nil {
		if limits.Limiter, err = newLimiter(cfg.RedisURL, log); err != nil {
			return nil, err
		}
		built.Limiter = limits.Limiter
	}
	api := httpapi.New(n.Service, n.Signer, &httpapi.Config{Logger: log, Engine: n.Engine, RiverUI: riverUI, Analytics: an, Live: n.Live,
		Sync: n.Sync, Search: n.Search, Limits: &limits, Alerts: n.Alerts, Probes: n.probes(sender),
		CORSOrigins: cfg.CORSOrigins, Webhooks: notifier, History: n.History})
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", n.Metrics.Handler())
	web.Register(mux)
	mux.Handle("GET /docs/", apidocs.Handler())
	mux.Handle("GET /docs", http.RedirectHandler("/docs/", http.StatusMovedPermanently))
	mux.Handle("/", api)
	n.watch()
	n.Handler = n.Metrics.Middleware(mux)
	n.api = api
	return n, nil
}

// newLimiter keeps the request budgets in the Redis at redisURL, shared by
// every node, or in process without one.
func newLimiter(redisURL string, log *slog.Logger) (*ratelimit.Limiter, error) {
	if redisURL == "" {
		return ratelimit.NewLimiter(), nil
	}
	return ratelimit.NewRedisLimiter(&ratelimit.RedisConfig{URL: redisURL, Logger: log})
}

// marketFunctions returns the functions that follow the market's writes:
// emails and shop notifications, and analytics, with the analytics they feed
// and the notifier (whose webhook client the alerts share).
func marketFunctions(st *store.Store, cfg Config, sender *mail.Sender, log *slog.Logger) ([]*engine.Function, *analytics.Analytics, *notify.Notifier) {
	ncfg := &notify.Config{Logger: log, AllowPrivateWebhooks: cfg.AllowPrivateWebhooks, ShopOrdersPerMinute: cfg.ShopOrdersPerMinute}
	if sender != nil {
		ncfg.Mailer = sender
	}
	an := analytics.New(st, &analytics.Config{Logger: log})
	notifier := notify.New(st, ncfg)
	return slices.Concat(notifier.Functions(), an.Functions()), an, notifier
}

// Start starts the functions engine (and with it cron), the cache's
// projection and warmer, the live hub, the search index and, once that is
// ready, a first sync check.
func (n *Node) Start(ctx context.Context) error {
	if err := n.reads.start(ctx); err != nil {
		return err
	}
	// The index builds itself from the store if it is empty or damaged, then
	// follows the log; searches answer 503 until it is ready.
	sctx, cancel := context.WithCancel(ctx)
	n.stopSearch = cancel
	// The metrics' history stops with the search, in Close, before the
	// store its gatherings read is closed.
	n.sampling.Go(func() { n.History.Run(sctx) })
	n.searching.Go(func() {
		if err := n.Search.Run(sctx); err != nil && sctx.Err() == nil {
			n.log.ErrorContext(sctx, "search index stopped", slog.Any("err", err))
		}
	})
	// A new node shows its health at once rather than at the monitor's first
	// cron tick, minutes away: one check of this node's index and cache as
	// soon as the index has caught up with the log.
	n.searching.Go(func() {
		if n.Search.WaitReady(sctx) != nil {
			return
		}
		if _, _, _, err := n.Sync.Check(sctx); err != nil && sctx.Err() == nil {
			n.log.WarnContext(sctx, "the first sync check failed", slog.Any("err", err))
		}
	})
	// Every node's followers' positions are in the store, for the lag alert.
	n.searching.Go(func() { n.Alerts.ReportPositions(sctx, n.Engine.NodeID()) })
	return n.Engine.Start(ctx)
}

// Close stops the background work, waiting for it until ctx ends, and closes
// the store.
func (n *Node) Close(ctx context.Context) error {
	if n.stopUI != nil {
		n.stopUI()
	}
	err := n.Engine.Stop(ctx)
	n.reads.stop()
	if n.stopSearch != nil {
		n.stopSearch()
		n.searching.Wait()
		n.sampling.Wait()
	}
	if cerr := n.Search.Close(); cerr != nil {
		n.log.WarnContext(ctx, "closing the search index", slog.Any("err", cerr))
	}
	if n.Limiter != nil {
		_ = n.Limiter.Close()
	}
	if n.api != nil {
		n.api.Close()
	}
	n.Store.Close()
	if errors.Is(err, context.DeadlineExceeded) {
		n.log.WarnContext(ctx, "functions still running at shutdown are retried later")
		return nil
	}
	return err
}
