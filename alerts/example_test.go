package alerts_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// The alerts' functions on an engine, on the embedded SQLite store: a
// function's run fails, an alert is recorded for it and the operators are
// emailed through the Mailer (here one that hands each message to the
// example; in a node a *mail.Sender), and admins list the alerts.
func Example() {
	ctx, quiet := context.Background(), slog.New(slog.DiscardHandler)
	dir, err := os.MkdirTemp("", "alerts-example")
	check(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet})
	check(err)
	defer st.Close()
	eng, err := engine.New(ctx, st, &engine.Config{Logger: quiet, FetchPollInterval: 50 * time.Millisecond})
	check(err)
	sent := make(chan mail.Message, 10)
	al := alerts.New(st, &alerts.Config{Emails: []string{"ops@example.com"}, Mailer: mailer(sent), Logger: quiet})
	broken := engine.NewFunction(engine.FunctionOpts{ID: "print-invoice"}, engine.OnEvent("invoice/requested"),
		func(context.Context, engine.Input) (any, error) {
			return nil, engine.NonRetriable(errors.New("the shop's printer is on fire"))
		})
	check(eng.Register(append(al.Functions(), broken)...))
	check(eng.Start(ctx))
	defer eng.Stop(ctx)
	svc := market.New(st, &market.Config{Logger: quiet, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})

	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	_, err = svc.SendEvents(ctx, admin, []market.SendEvent{{Name: "invoice/requested"}})
	check(err)
	select {
	case m := <-sent:
		fmt.Println(m.To, "|", m.Subject)
	case <-time.After(10 * time.Second):
		fmt.Println("no email")
	}
	page, err := al.List(ctx, admin, "", 10)
	check(err)
	for _, a := range page.Items {
		fmt.Println(a.Kind, a.Subject, a.State, a.MessageID != "") // the message that told of it
	}
	// Output:
	// ops@example.com | [mohalla] function failed: print-invoice
	// function_failed print-invoice firing true
}

// mailer is an alerts.Mailer that hands each message to a channel.
type mailer chan<- mail.Message

func (m mailer) Send(ctx context.Context, msg mail.Message) (string, error) {
	m <- msg
	return "250 queued", nil
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
