package cli

import (
	"flag"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/outbound"
	"github.com/mohallamart/mohalla/retention"
)

// opsFlags are serve's flags for operators: whom alerts go to, and how long
// history is kept.
type opsFlags struct {
	emails  []string
	alerts  alerts.Config
	retain  retention.Config
	webhook string
}

func (c *CLI) opsFlags(fs *flag.FlagSet) *opsFlags {
	o := &opsFlags{}
	fs.Func("alert-email", "email `address` alerts are sent to (over --smtp); repeat or separate with commas", func(s string) error {
		for _, a := range strings.Split(s, ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			if _, err := mail.ParseAddress(a); err != nil {
				return fmt.Errorf("%q is not an email address", a)
			}
			o.emails = append(o.emails, a)
		}
		return nil
	})
	fs.Func("alert-webhook", "`URL` alerts are posted to as {\"text\": …} (Slack, Mattermost, Discord's /slack), signed as shops' webhooks are", func(s string) error {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL", s)
		}
		o.webhook = s
		return nil
	})
	c.secretFlag(fs, &o.alerts.WebhookSecret, "alert-webhook-secret", "MOHALLA_ALERT_WEBHOOK_SECRET", "`secret` that signs the alert webhook's posts")
	fs.DurationVar(&o.alerts.Window, "alert-window", 10*time.Minute, "at most one message per kind of alert in this `duration`")
	fs.Int64Var(&o.alerts.LagLimit, "alert-lag", 1000, "alert when a follower trails the log by more than this many `events`")
	fs.IntVar(&o.alerts.StormRetries, "alert-retries", 20, "alert when one function's runs are retried this many `times` within 5 minutes")
	days(fs, &o.retain.CompletedRuns, "retain-runs", 7, "keep completed and cancelled runs and their steps this `long` (7d, 36h)")
	days(fs, &o.retain.FailedRuns, "retain-failed-runs", 30, "keep failed runs and their steps this `long`")
	days(fs, &o.retain.Events, "retain-events", 30, "keep the event log this `long`")
	days(fs, &o.retain.Notifications, "retain-notifications", 90, "keep sent messages this `long`")
	days(fs, &o.retain.Keys, "retain-keys", 90, "refuse a duplicate event this `long` (at least as long as runs and events are kept)")
	days(fs, &o.retain.Alerts, "retain-alerts", 90, "keep alerts this `long`")
	return o
}

// check refuses an alert webhook the outbound policy would refuse at each
// post (as a shop's is refused when registered), so serve fails at start.
func (o *opsFlags) check(allowPrivate bool) error {
	if o.webhook == "" {
		return nil
	}
	if err := outbound.CheckURL(o.webhook, allowPrivate); err != nil {
		return fmt.Errorf("--alert-webhook: %w", err)
	}
	return nil
}

// config returns the alerts' configuration the flags ask for.
func (o *opsFlags) config() alerts.Config {
	c := o.alerts
	c.Emails, c.Webhook = o.emails, o.webhook
	return c
}

// days defines a duration flag that also takes whole days ("7d").
func days(fs *flag.FlagSet, dst *time.Duration, name string, def int, usage string) {
	*dst = time.Duration(def) * retention.Day
	fs.Func(name, fmt.Sprintf("%s (default %dd)", usage, def), func(s string) error {
		d, err := parseDays(s)
		if err != nil {
			return err
		}
		*dst = d
		return nil
	})
}

func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 {
			return 0, fmt.Errorf("%q is not a positive number of days", s)
		}
		return time.Duration(v) * retention.Day, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (7d, 36h)", s)
	}
	return d, nil
}
