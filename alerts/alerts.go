// Package alerts tells operators when something breaks: durable functions that
// record an alert for each failed run, each check that found drift, a follower
// lagging behind the log and a storm of retries of one function, and send one
// message per kind per window (counting what it tells of) by email and to a
// Slack-compatible webhook, saying also when a condition has resolved.
package alerts

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/store"
)

// Kinds of alerts.
const (
	FunctionFailed = "function_failed"
	SyncDrift      = "sync_drift"
	FollowerLag    = "follower_lag"
	RetryStorm     = "retry_storm"
)

// The alerts' functions.
const (
	OnFailedID = "alerts-function-failed"
	OnDriftID  = "alerts-sync-drift"
	WatchID    = "alerts-watch"
)

// Mailer sends an email. *mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) (string, error)
}

// Poster posts a signed JSON body to a webhook and returns the answer's status;
// notify.Notifier's Post is the one in use, so alerts go out through the same
// client, under the same outbound rules, as shops' webhooks.
type Poster func(ctx context.Context, url, secret, idempotencyKey string, body []byte) (int, error)

// Follower is a projection whose lag the watch checks.
type Follower struct {
	Name     string
	Position func() mohalla.Position
}

// Config configures the alerts.
type Config struct {
	// Emails are the operators' addresses; none sends no email.
	Emails []string
	// Mailer sends the emails; nil sends none (the alerts are still recorded).
	Mailer Mailer
	// Webhook is a URL that receives {"text": …} (Slack, Mattermost and
	// Discord's Slack-compatible endpoints take it), signed as shops'
	// webhooks are with WebhookSecret; "" posts nothing.
	Webhook, WebhookSecret string
	Post                   Poster
	// Window is how often at most one kind of alert is sent. Default 10m.
	Window time.Duration
	// Schedule is the watch's cron: lags, retry storms, resolutions and the
	// messages held back by Window. Default every minute.
	Schedule string
	// LagLimit is how many events a follower may trail the log by. Default 1000.
	LagLimit int64
	// Followers are this node's; ReportPositions records their positions
	// every ReportEvery (default 5 s), and the watch, on whichever node it
	// runs, checks those of every live node.
	Followers   []Follower
	ReportEvery time.Duration
	// StormRetries in StormWindow of one function's runs is a retry storm.
	// Defaults 20 in 5 minutes.
	StormRetries int
	StormWindow  time.Duration
	// Domain is the right-hand side of emails' Message-IDs. Default "mohalla.local".
	Domain string
	Now    func() time.Time
	Logger *slog.Logger
}

// Alerts records and sends alerts.
type Alerts struct {
	st  *store.Store
	cfg Config
	log *slog.Logger
}

// New returns the alerts of st.
func New(st *store.Store, cfg *Config) *Alerts {
	if cfg == nil {
		cfg = &Config{}
	}
	c := *cfg
	c.Window = cmp.Or(c.Window, 10*time.Minute)
	c.Schedule = cmp.Or(c.Schedule, "* * * * *")
	c.LagLimit = cmp.Or(c.LagLimit, 1000)
	c.ReportEvery = cmp.Or(c.ReportEvery, 5*time.Second)
	c.StormRetries = cmp.Or(c.StormRetries, 20)
	c.StormWindow = cmp.Or(c.StormWindow, 5*time.Minute)
	c.Domain = cmp.Or(c.Domain, "mohalla.local")
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Alerts{st: st, cfg: c, log: c.Logger}
}

// Functions returns the alerts' durable functions, to register on the engine.
// A failure of one of them raises no alert, so a broken webhook cannot feed
// itself.
func (a *Alerts) Functions() []*engine.Function {
	own := func(ev mohalla.Event) bool {
		var d engine.FailedEvent
		return json.Unmarshal(ev.Data, &d) != nil || !strings.HasPrefix(d.FunctionID, "alerts-")
	}
	return []*engine.Function{
		engine.NewFunction(engine.FunctionOpts{ID: OnFailedID, Name: "Alert: function failed"},
			engine.OnEvent(mohalla.EventFunctionFailed).Where(own), a.onFailed),
		engine.NewFunction(engine.FunctionOpts{ID: OnDriftID, Name: "Alert: sync drift"},
			engine.OnEvent(mohalla.EventSyncDriftDetected), a.onDrift),
		engine.NewFunction(engine.FunctionOpts{ID: WatchID, Name: "Alert watch: lag, retry storms, resolutions",
			Retries: 1, Concurrency: &engine.Concurrency{Limit: 1}},
			engine.OnCron(a.cfg.Schedule), a.watch),
	}
}

// List returns up to limit alerts before the cursor (from an earlier page),
// newest first, with the next page's cursor ("" at the end). Admins and
// services may.
func (a *Alerts) List(ctx context.Context, c mohalla.Caller, cursor string, limit int) (mohalla.Page[store.Alert], error) {
	ctx = store.WithCaller(ctx, c)
	if c.Role == mohalla.RoleAnonymous || c.Role == "" {
		return mohalla.Page[store.Alert]{}, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "sign in to read alerts")
	}
	if !c.Is(mohalla.RoleAdmin) && !c.Is(mohalla.RoleService) {
		return mohalla.Page[store.Alert]{}, mohalla.Errorf(mohalla.EFORBIDDEN, "only admins and services may read alerts")
	}
	var v mohalla.Invalid
	if limit == 0 {
		limit = 50
	} else if limit < 1 || limit > 500 {
		v.Add("limit", "must be 1 to 500")
	}
	at, id, ok := parseCursor(cursor)
	if !ok {
		v.Add("cursor", "not a cursor from an earlier page")
	}
	if err := v.Err(); err != nil {
		return mohalla.Page[store.Alert]{}, err
	}
	items, err := a.st.Read().Alerts(ctx, at, id, limit)
	if err != nil {
		return mohalla.Page[store.Alert]{}, err
	}
	p := mohalla.Page[store.Alert]{Items: items}
	if len(items) == limit {
		last := items[len(items)-1]
		p.NextCursor = last.At.UTC().Format(time.RFC3339Nano) + "_" + last.ID
	}
	if p.Items == nil {
		p.Items = []store.Alert{}
	}
	return p, nil
}

func parseCursor(s string) (time.Time, string, bool) {
	if s == "" {
		return time.Time{}, "", true
	}
	ts, id, ok := strings.Cut(s, "_")
	t, err := time.Parse(time.RFC3339Nano, ts)
	return t, id, ok && err == nil && id != ""
}
