package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/syncmon"
	"github.com/oklog/ulid/v2"
)

// onFailed records a run that failed for good and tells of it.
func (a *Alerts) onFailed(ctx context.Context, in engine.Input) (any, error) {
	var d engine.FailedEvent
	if err := json.Unmarshal(in.Event.Data, &d); err != nil {
		return nil, engine.NonRetriable(fmt.Errorf("function/failed data: %w", err))
	}
	data, _ := json.Marshal(map[string]any{"runId": d.RunID, "attempts": d.Attempts, "error": d.Error})
	_, err := engine.Run(ctx, in.Step, "record", func(ctx context.Context) (bool, error) {
		return a.st.Write().RecordAlert(ctx, store.Alert{ID: in.Event.ID, Kind: FunctionFailed, Subject: d.FunctionID,
			State: store.AlertFiring, Data: data, At: in.Event.Time(),
			Summary: fmt.Sprintf("run %s failed after %d attempts: %s", d.RunID, d.Attempts, clip(d.Error, 300))})
	})
	if err != nil {
		return nil, err
	}
	return a.deliver(ctx, in, FunctionFailed)
}

// onDrift records a sync check that found drift and tells of it.
func (a *Alerts) onDrift(ctx context.Context, in engine.Input) (any, error) {
	var s syncmon.Summary
	if err := json.Unmarshal(in.Event.Data, &s); err != nil {
		return nil, engine.NonRetriable(fmt.Errorf("sync/drift-detected data: %w", err))
	}
	summary := fmt.Sprintf("check %s found %d missing, %d stale and %d extra search documents, %d stale cache entries, "+
		"%d failed and %d stuck runs", s.CheckID, s.MissingDocs, s.StaleDocs, s.ExtraDocs, s.StaleCache, s.FailedRuns, s.StuckRuns)
	if len(s.Lagging) > 0 {
		summary += ", lagging followers " + strings.Join(s.Lagging, ", ")
	}
	summary += fmt.Sprintf("; reindexed %d, evicted %d", s.Reindexed, s.Evicted)
	_, err := engine.Run(ctx, in.Step, "record", func(ctx context.Context) (bool, error) {
		return a.st.Write().RecordAlert(ctx, store.Alert{ID: in.Event.ID, Kind: SyncDrift, Subject: "sync",
			State: store.AlertFiring, Data: in.Event.Data, At: in.Event.Time(), Summary: summary})
	})
	if err != nil {
		return nil, err
	}
	return a.deliver(ctx, in, SyncDrift)
}

// watch checks the conditions that hold for a while (lag, retry storms, drift
// until a clean check), records each change of state, and sends what windows
// held back.
func (a *Alerts) watch(ctx context.Context, in engine.Input) (any, error) {
	changes, err := engine.Run(ctx, in.Step, "check", func(ctx context.Context) (int, error) {
		n := 0
		for _, c := range []func(context.Context) (int, error){a.checkLag, a.checkStorms, a.checkDrift} {
			k, err := c(ctx)
			n += k
			if err != nil {
				return n, err
			}
		}
		return n, nil
	})
	if err != nil {
		return nil, err
	}
	kinds, err := engine.Run(ctx, in.Step, "pending", func(ctx context.Context) ([]string, error) {
		return a.st.Read().PendingAlertKinds(ctx)
	})
	if err != nil {
		return nil, err
	}
	sent := []string{}
	for _, k := range kinds {
		m, err := a.deliver(ctx, in, k)
		if err != nil {
			return nil, err
		}
		if m != nil {
			sent = append(sent, k)
		}
	}
	return map[string]any{"changes": changes, "sent": sent}, nil
}

// transition records that subject of kind is now firing or not, if that is a
// change, and returns 1 if it was.
func (a *Alerts) transition(ctx context.Context, kind, subject string, firing bool, summary string) (int, error) {
	last, err := a.st.Read().LatestAlert(ctx, kind, subject)
	was := err == nil && last.State == store.AlertFiring
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	if was == firing {
		return 0, nil
	}
	state := store.AlertResolved
	if firing {
		state = store.AlertFiring
	}
	now := a.cfg.Now().UTC()
	_, err = a.st.Write().RecordAlert(ctx, store.Alert{ID: ulid.MustNew(ulid.Timestamp(now), ulid.DefaultEntropy()).String(),
		Kind: kind, Subject: subject, State: state, Summary: summary, At: now})
	return 1, err
}

// checkLag finds the followers of every live node that trail the log by more
// than LagLimit events, and those that caught up again or whose node left the
// cluster. Each node records its followers' positions (ReportPositions), so
// the watch sees them all on whichever node it runs.
func (a *Alerts) checkLag(ctx context.Context) (int, error) {
	positions, err := a.st.Read().FollowerPositions(ctx)
	if err != nil {
		return 0, err
	}
	n, seen := 0, map[string]bool{}
	for _, p := range positions {
		behind, err := a.st.Read().EventsAfter(ctx, p.Position)
		if err != nil {
			return n, err
		}
		subject := p.Follower + " on " + p.Node
		seen[subject] = true
		lagging := behind > a.cfg.LagLimit
		summary := fmt.Sprintf("follower %s is %d events behind the log (limit %d)", subject, behind, a.cfg.LagLimit)
		if !lagging {
			summary = fmt.Sprintf("follower %s is back within %d events of the log (%d behind)", subject, a.cfg.LagLimit, behind)
		}
		k, err := a.transition(ctx, FollowerLag, subject, lagging, summary)
		if n += k; err != nil {
			return n, err
		}
	}
	firing, err := a.st.Read().Firing(ctx, FollowerLag)
	if err != nil {
		return n, err
	}
	for _, subject := range firing {
		if !seen[subject] {
			k, err := a.transition(ctx, FollowerLag, subject, false, fmt.Sprintf("follower %s is gone: its node left the cluster", subject))
			if n += k; err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// ReportPositions records this node's followers' positions in the store
// under node (its engine node id) every ReportEvery until ctx ends. A node
// declared dead loses its rows with its heartbeat.
func (a *Alerts) ReportPositions(ctx context.Context, node string) {
	for {
		positions := make(map[string]mohalla.Position, len(a.cfg.Followers))
		for _, f := range a.cfg.Followers {
			positions[f.Name] = f.Position()
		}
		// Wall-clock time, as heartbeats: other processes read it.
		if err := a.st.Write().RecordFollowerPositions(ctx, node, positions, time.Now()); err != nil && ctx.Err() == nil {
			a.log.DebugContext(ctx, "alerts: record the followers' positions", slog.Any("err", err))
		}
		if !mohalla.Sleep(ctx, a.cfg.ReportEvery) {
			return
		}
	}
}

// checkStorms finds functions retried StormRetries times or more in the last
// StormWindow, and the storms that ended.
func (a *Alerts) checkStorms(ctx context.Context) (int, error) {
	storms, err := a.st.Read().RetriesSince(ctx, a.cfg.Now().Add(-a.cfg.StormWindow), a.cfg.StormRetries)
	if err != nil {
		return 0, err
	}
	firing, err := a.st.Read().Firing(ctx, RetryStorm)
	if err != nil {
		return 0, err
	}
	n := 0
	for fn, retries := range storms {
		k, err := a.transition(ctx, RetryStorm, fn, true,
			fmt.Sprintf("%s was retried %d times in %s (limit %d)", fn, retries, a.cfg.StormWindow, a.cfg.StormRetries))
		if n += k; err != nil {
			return n, err
		}
	}
	for _, fn := range firing {
		if _, ok := storms[fn]; ok {
			continue
		}
		k, err := a.transition(ctx, RetryStorm, fn, false,
			fmt.Sprintf("%s was retried fewer than %d times in the last %s", fn, a.cfg.StormRetries, a.cfg.StormWindow))
		if n += k; err != nil {
			return n, err
		}
	}
	return n, nil
}

// checkDrift resolves drift once the newest sync check found none.
func (a *Alerts) checkDrift(ctx context.Context) (int, error) {
	firing, err := a.st.Read().Firing(ctx, SyncDrift)
	if err != nil || len(firing) == 0 {
		return 0, err
	}
	checks, err := a.st.Read().SyncChecks(ctx, 1)
	if err != nil || len(checks) == 0 || checks[0].Drift {
		return 0, err
	}
	return a.transition(ctx, SyncDrift, "sync", false, fmt.Sprintf("check %s found no drift", checks[0].ID))
}

// claim is a deliver step's result: the message claimed, if any.
type claim struct {
	Message store.AlertMessage `json:"message"`
	OK      bool               `json:"ok"`
}

// deliver makes one message of the alerts of kind not yet told of, unless one
// was sent within the window, and sends it by email and webhook. It returns
// the message, or nil if there was none to send.
func (a *Alerts) deliver(ctx context.Context, in engine.Input, kind string) (*store.AlertMessage, error) {
	c, err := engine.Run(ctx, in.Step, "claim-"+kind, func(ctx context.Context) (claim, error) {
		m, ok, err := a.st.ClaimAlerts(ctx, kind, in.RunID+"."+kind, a.cfg.Now(), a.cfg.Window,
			func(as []store.Alert) string { return compose(kind, as) })
		return claim{m, ok}, err
	})
	if err != nil || !c.OK {
		return nil, err
	}
	m := c.Message
	subject, _, _ := strings.Cut(m.Text, "\n")
	if a.cfg.Mailer != nil {
		for i, to := range a.cfg.Emails {
			_, err := engine.Run(ctx, in.Step, "email-"+kind+"-"+strconv.Itoa(i), func(ctx context.Context) (string, error) {
				return a.cfg.Mailer.Send(ctx, mail.Message{To: to, Subject: subject, Text: m.Text,
					MessageID: mail.NewMessageID(m.ID+"."+to, a.cfg.Domain)})
			})
			if err != nil {
				return nil, fmt.Errorf("email alert to %s: %w", to, err)
			}
		}
	}
	if a.cfg.Webhook != "" && a.cfg.Post != nil {
		_, err := engine.Run(ctx, in.Step, "webhook-"+kind, func(ctx context.Context) (int, error) {
			body, err := json.Marshal(map[string]string{"text": m.Text})
			if err != nil {
				return 0, engine.NonRetriable(err)
			}
			return a.cfg.Post(ctx, a.cfg.Webhook, a.cfg.WebhookSecret, m.ID, body)
		})
		if err != nil {
			return nil, fmt.Errorf("alert webhook: %w", err)
		}
	}
	return &m, nil
}

var titles = map[string]string{FunctionFailed: "function failed", SyncDrift: "sync drift", FollowerLag: "follower lag",
	RetryStorm: "retry storm"}

// maxLines bounds the alerts a message lists; the rest are counted.
const maxLines = 20

// compose writes a message about alerts of kind, oldest first: a subject line
// with the counts, then one line per alert.
func compose(kind string, as []store.Alert) string {
	firing := 0
	for _, a := range as {
		if a.State == store.AlertFiring {
			firing++
		}
	}
	title := titles[kind]
	if title == "" {
		title = kind
	}
	var b strings.Builder
	switch {
	case len(as) == 1 && firing == 1:
		fmt.Fprintf(&b, "[mohalla] %s: %s", title, as[0].Subject)
	case len(as) == 1:
		fmt.Fprintf(&b, "[mohalla] RESOLVED %s: %s", title, as[0].Subject)
	default:
		fmt.Fprintf(&b, "[mohalla] %s: %d alerts (%d firing, %d resolved)", title, len(as), firing, len(as)-firing)
	}
	for _, a := range as[:min(len(as), maxLines)] {
		state := "FIRING"
		if a.State == store.AlertResolved {
			state = "RESOLVED"
		}
		fmt.Fprintf(&b, "\n%s %s %s: %s", a.At.UTC().Format(time.TimeOnly), state, a.Subject, a.Summary)
	}
	if len(as) > maxLines {
		fmt.Fprintf(&b, "\n… and %d more: GET /v1/alerts", len(as)-maxLines)
	}
	return b.String()
}

// clip shortens s to at most n bytes, at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
