package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/node"
)

// shutdownTimeout bounds how long serve waits for requests in flight after a
// signal.
const shutdownTimeout = 10 * time.Second

func (c *CLI) serve(ctx context.Context, args []string) error {
	fs := c.flagSet("serve", "[flags]",
		"Serve the HTTP API until SIGINT or SIGTERM, then finish the requests in flight and exit.")
	addr := fs.String("addr", ":8080", "`host:port` to listen on")
	smtpURL := new(string)
	c.secretFlag(fs, smtpURL, "smtp", "SMTP_URL", "SMTP server `URL` (smtp://user:pass@host:port) for emails; empty records them only")
	mailFrom := fs.String("mail-from", "Mohalla Mart <orders@mohalla.local>", "sender `address` of emails")
	redisURL := new(string)
	c.secretFlag(fs, redisURL, "redis", "REDIS_URL", "Redis `URL` (redis://…) of the read cache and the rate limits the nodes share; empty keeps both in process")
	limits := limitFlags(fs)
	allowPrivate := fs.Bool("allow-private-webhooks", c.getenv("MOHALLA_ALLOW_PRIVATE_WEBHOOKS") == "1",
		"DEVELOPMENT ONLY, never in production: let shops' webhooks use http:// and reach loopback and private addresses (default $MOHALLA_ALLOW_PRIVATE_WEBHOOKS=1)")
	shopRate := fs.Int("shop-notify-per-minute", 0,
		"new-order notifications (and webhook calls) each shop gets a minute at most, the rest waiting their turn; it makes a shop's orders commit one at a time (0: no limit)")
	corsOrigins := fs.String("cors-origins", c.getenv("MOHALLA_CORS_ORIGINS"),
		"comma-separated `origins` whose browser apps may call the API, each exactly, such as http://localhost:3000 (default $MOHALLA_CORS_ORIGINS; none)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the serving process, from start to shutdown, to `file`")
	ops := c.opsFlags(fs)
	d := c.dataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	origins, err := httpapi.ParseOrigins(*corsOrigins)
	if err != nil {
		return usageErrorf(fs, "--cors-origins: %v", err)
	}
	log, err := d.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	if err := ops.check(*allowPrivate); err != nil {
		return usageErrorf(fs, "%v", err)
	}
	if err := (serveConfig{db: d.db, redis: *redisURL, smtp: *smtpURL, mailFrom: *mailFrom}).check(ctx, fs, log); err != nil {
		return err
	}
	n, err := node.Open(ctx, node.Config{DataDir: d.dir, DatabaseURL: d.db, SMTPURL: *smtpURL, MailFrom: *mailFrom,
		RedisURL: *redisURL, AllowPrivateWebhooks: *allowPrivate, ShopOrdersPerMinute: *shopRate, Limits: limits, Alerts: ops.config(), Retention: ops.retain,
		Logger: log, Engine: d.engine(), CORSOrigins: origins})
	if err != nil {
		return inUse(err, "Each server keeps its own search index in its --data directory: stop %s (another mohalla\n"+
			"serve, reindex or reconcile) or give this server a --data directory of its own. To write\n"+
			"beside a running server, use seed, token or replay, which do not open the index.")
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		if err := n.Close(sctx); err != nil {
			log.WarnContext(sctx, "stopping", slog.Any("err", err))
		}
	}()
	if err := n.Start(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := httpapi.HTTPServer(n.Handler, httpapi.DefaultTimeouts(), slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	if *allowPrivate {
		log.WarnContext(ctx, "webhooks may reach loopback and private addresses (--allow-private-webhooks): for development only")
	}
	u := baseURL(ln.Addr())
	fmt.Fprintf(c.stdout, "mohalla serving on %s (%s)\n", u, d.where())
	log.InfoContext(ctx, "serving", slog.String("url", u), slog.String("store", d.where()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.InfoContext(ctx, "shutting down", slog.Duration("timeout", shutdownTimeout))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.InfoContext(ctx, "stopped")
	return nil
}

// startCPUProfile profiles the process into the file at path until stop.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}

// baseURL is the URL a browser on this machine reaches addr at.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
