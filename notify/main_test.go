package notify_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/mail/mailpittest"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

var (
	ctx     = store.AsSystem(context.Background(), "test") // the tests read and write rows raw, as the system
	admin   = mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	mailpit *mailpittest.Server
)

func TestMain(m *testing.M) {
	var err error
	if mailpit, err = mailpittest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "notify tests need Mailpit:", err)
		os.Exit(1)
	}
	code := m.Run()
	mailpit.Stop()
	storetest.DropTemplates()
	os.Exit(code)
}

type stack struct {
	st  *store.Store
	svc *market.Service
	eng *engine.Engine
}

// start runs the notifier's functions on a real engine over st, sending through
// Mailpit unless cfg says otherwise.
func start(t *testing.T, st *store.Store, cfg *notify.Config) *stack {
	t.Helper()
	if cfg == nil {
		cfg = &notify.Config{}
	}
	if cfg.Mailer == nil {
		sender, err := mail.NewSender(mailpit.SMTPURL, "Mohalla Mart <orders@mohalla.local>")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Mailer = sender
	}
	eng, err := engine.New(ctx, st, &engine.Config{RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Register(notify.New(st, cfg).Functions()...); err != nil {
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
	return &stack{st: st, eng: eng, svc: market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit,
		AllowPrivateWebhooks: cfg.AllowPrivateWebhooks})}
}

func eachStore(t *testing.T, body func(t *testing.T, st *store.Store, tag string)) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			// Recipients are unique per test and store, since all share one Mailpit.
			body(t, storetest.Open(t, kind), fmt.Sprintf("%s-%s", t.Name(), kind))
		})
	}
}

func eventually(t *testing.T, within time.Duration, ok func() bool, state func() string) {
	t.Helper()
	for deadline := time.Now().Add(within); !ok(); time.Sleep(30 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %s", within, state())
		}
	}
}

// waitRunsDone waits until every run of the function has ended.
func (s *stack) waitRunsDone(t *testing.T, fn string, want int) []enginetype.RunRow {
	t.Helper()
	var runs []enginetype.RunRow
	eventually(t, 15*time.Second, func() bool {
		p, err := s.eng.Runs(ctx, admin, engine.RunQuery{Function: fn})
		if err != nil {
			t.Fatal(err)
		}
		runs = p.Items
		if len(runs) != want {
			return false
		}
		for _, r := range runs {
			if r.Status != enginetype.RunCompleted && r.Status != enginetype.RunFailed {
				return false
			}
		}
		return true
	}, func() string { return fmt.Sprintf("%d runs of %s: %+v", len(runs), fn, runs) })
	return runs
}

func address() mohalla.Address {
	return mohalla.Address{Street: "12 Hill Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}
}
