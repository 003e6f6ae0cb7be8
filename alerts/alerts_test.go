package alerts_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/mail/mailpittest"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

var (
	ctx     = store.AsSystem(context.Background(), "test") // the tests read the log raw, as the system
	admin   = mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	mailpit *mailpittest.Server
)

func TestMain(m *testing.M) {
	var err error
	if mailpit, err = mailpittest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "alerts tests need Mailpit:", err)
		os.Exit(1)
	}
	code := m.Run()
	mailpit.Stop()
	storetest.DropTemplates()
	os.Exit(code)
}

func eventually(t *testing.T, within time.Duration, ok func() bool, state func() string) {
	t.Helper()
	for deadline := time.Now().Add(within); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %s", within, state())
		}
	}
}

// hook is an operators' webhook receiver that checks each post's signature.
type hook struct {
	mu    sync.Mutex
	texts []string
	bad   []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sig := r.Header.Get(notify.SignatureHeader)
	ts, _, _ := strings.Cut(strings.TrimPrefix(sig, "t="), ",")
	sec, _ := strconv.ParseInt(ts, 10, 64)
	var msg struct {
		Text string `json:"text"`
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case notify.Sign("hook-secret", time.Unix(sec, 0), body) != sig:
		h.bad = append(h.bad, "bad signature "+sig)
	case json.Unmarshal(body, &msg) != nil || msg.Text == "":
		h.bad = append(h.bad, "not {text}: "+string(body))
	default:
		h.texts = append(h.texts, msg.Text)
	}
}

func (h *hook) posts() ([]string, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.texts...), append([]string(nil), h.bad...)
}

// TestAlertsTellOperators fails a function for good twice (retried enough to
// be a retry storm) while a follower trails the log: each condition is
// recorded, and each kind is told once in its window, by email and by a
// signed webhook, while the second failure waits. When the window has passed
// and the lag and the storm are over, the held-back failure and the
// resolutions are sent, and every alert was told of.
func TestAlertsTellOperators(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			to := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")) + "@ops.example.com"
			h := &hook{}
			srv := httptest.NewServer(h)
			defer srv.Close()
			sender, err := mail.NewSender(mailpit.SMTPURL, "Mohalla Alerts <alerts@mohalla.local>")
			if err != nil {
				t.Fatal(err)
			}
			var skew atomic.Int64 // how far the alerts' clock is ahead
			var probe atomic.Pointer[mohalla.Position]
			probe.Store(&mohalla.Position{})
			// The receiver is on loopback: the development switch lets the webhook
			// policy reach it, as it does for shops' webhooks.
			notifier := notify.New(st, &notify.Config{AllowPrivateWebhooks: true})
			al := alerts.New(st, &alerts.Config{Emails: []string{to}, Mailer: sender, Webhook: srv.URL,
				WebhookSecret: "hook-secret", Post: notifier.Post, Window: time.Hour, Schedule: "* * * * * *",
				LagLimit: 1, StormRetries: 3, StormWindow: 10 * time.Minute,
				Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})

			eng, err := engine.New(ctx, st, &engine.Config{RetryBase: 10 * time.Millisecond, RetryMax: 40 * time.Millisecond,
				FetchPollInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			broken := engine.NewFunction(engine.FunctionOpts{ID: "always-fails", Retries: 3}, engine.OnEvent("test/poke"),
				func(context.Context, engine.Input) (any, error) {
					return nil, errors.New("the shop's printer is on fire")
				})
			if err := eng.Register(append(al.Functions(), broken)...); err != nil {
				t.Fatal(err)
			}
			if err := eng.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				c, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				_ = eng.Stop(c)
			})
			// The lagging follower is another node's: the watch, which runs on
			// this one, sees it through the positions that node records.
			other := alerts.New(st, &alerts.Config{ReportEvery: 50 * time.Millisecond,
				Followers: []alerts.Follower{{Name: "probe", Position: func() mohalla.Position { return *probe.Load() }}}})
			octx, stopOther := context.WithCancel(ctx)
			var others sync.WaitGroup
			t.Cleanup(func() { stopOther(); others.Wait() })
			others.Go(func() { other.ReportPositions(octx, "other-node") })
			others.Go(func() {
				for {
					if _, err := st.Write().Heartbeat(octx, "other-node", time.Now()); err != nil && octx.Err() == nil {
						t.Error(err)
					}
					if !mohalla.Sleep(octx, 500*time.Millisecond) {
						return
					}
				}
			})
			svc := market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
			if _, err := svc.SendEvents(ctx, admin, []market.SendEvent{{Name: "test/poke"}, {Name: "test/poke"}}); err != nil {
				t.Fatal(err)
			}

			list := func() []store.Alert {
				t.Helper()
				p, err := al.List(ctx, admin, "", 200)
				if err != nil {
					t.Fatal(err)
				}
				return p.Items
			}
			count := func(as []store.Alert, kind, state string, told bool) int {
				n := 0
				for _, a := range as {
					if a.Kind == kind && a.State == state && (!told || a.MessageID != "") {
						n++
					}
				}
				return n
			}
			subjects := func() []string {
				var out []string
				for _, m := range mailpit.To(t, to) {
					out = append(out, m.Subject)
				}
				return out
			}
			state := func() string {
				texts, bad := h.posts()
				b, _ := json.MarshalIndent(list(), "", " ")
				return fmt.Sprintf("emails %q\nposts %q\nbad posts %q\nalerts %s", subjects(), texts, bad, b)
			}

			// Two failures, one storm, one lag: one message per kind.
			eventually(t, 60*time.Second, func() bool {
				as := list()
				texts, _ := h.posts()
				return count(as, alerts.FunctionFailed, store.AlertFiring, false) == 2 &&
					count(as, alerts.RetryStorm, store.AlertFiring, true) == 1 &&
					count(as, alerts.FollowerLag, store.AlertFiring, true) == 1 &&
					len(subjects()) == 3 && len(texts) == 3
			}, state)
			for _, want := range []string{"[mohalla] function failed", "[mohalla] retry storm: always-fails",
				"[mohalla] follower lag: probe on other-node"} {
				n := 0
				for _, s := range subjects() {
					if strings.HasPrefix(s, want) {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("%d emails %q, want 1 in the window:\n%s", n, want, state())
				}
			}
			if texts, bad := h.posts(); len(bad) > 0 || !strings.Contains(strings.Join(texts, "\n"), "the shop's printer is on fire") {
				t.Fatalf("webhook posts %q, refused %q", texts, bad)
			}

			// The window passes, the follower catches up, the storm is over. (On
			// PostgreSQL the head shows every event once older transactions ended.)
			if err := st.Read().CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			head, err := st.Read().LogHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			probe.Store(&head)
			skew.Store(int64(2 * time.Hour))
			eventually(t, 60*time.Second, func() bool {
				as := list()
				return count(as, alerts.FunctionFailed, store.AlertFiring, true) == 2 &&
					count(as, alerts.RetryStorm, store.AlertResolved, true) == 1 &&
					count(as, alerts.FollowerLag, store.AlertResolved, true) == 1
			}, state)
			// Each resolution is told by email and webhook.
			eventually(t, 30*time.Second, func() bool {
				texts, _ := h.posts()
				all := strings.Join(subjects(), "\n")
				return len(texts) == len(subjects()) &&
					strings.Contains(all, "[mohalla] RESOLVED retry storm: always-fails") &&
					strings.Contains(all, "[mohalla] RESOLVED follower lag: probe on other-node")
			}, state)
		})
	}
}

// TestListAlertsIsForOperators: a customer may not read the alerts; an admin
// pages through them newest first.
func TestListAlertsIsForOperators(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	al := alerts.New(st, nil)
	base := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for i := range 5 {
		if _, err := st.Write().RecordAlert(ctx, store.Alert{ID: fmt.Sprintf("a%d", i), Kind: alerts.FunctionFailed,
			Subject: "f", State: store.AlertFiring, Summary: "boom", At: base.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := al.List(ctx, mohalla.Caller{ID: "c", Role: mohalla.RoleCustomer}, "", 10); mohalla.ErrorCode(err) != mohalla.EFORBIDDEN {
		t.Fatalf("a customer listed alerts: %v", err)
	}
	var got []string
	cursor := ""
	for {
		p, err := al.List(ctx, admin, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range p.Items {
			got = append(got, a.ID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(got, ",") != "a4,a3,a2,a1,a0" {
		t.Fatalf("pages gave %v, want newest first", got)
	}
	if _, err := al.List(ctx, admin, "nonsense", 2); mohalla.ErrorCode(err) != mohalla.EINVALID {
		t.Fatalf("a bad cursor: %v", err)
	}
}
