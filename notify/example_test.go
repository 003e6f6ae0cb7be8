package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
)

// The notifier's functions on an engine, on the embedded SQLite store: a new
// user's welcome email goes to the Mailer (here one that hands each message
// to the example; in a node a *mail.Sender) under a Message-ID derived from
// the event, so a retried run sends the same message. Sign is the signature
// a shop's webhook receiver checks.
func Example() {
	ctx, quiet := context.Background(), slog.New(slog.DiscardHandler)
	dir, err := os.MkdirTemp("", "notify-example")
	check(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet})
	check(err)
	defer st.Close()
	eng, err := engine.New(ctx, st, &engine.Config{Logger: quiet, FetchPollInterval: 50 * time.Millisecond})
	check(err)
	sent := make(chan mail.Message, 10)
	n := notify.New(st, &notify.Config{Mailer: mailer(sent), Logger: quiet})
	for _, f := range n.Functions() {
		check(eng.Register(f))
	}
	check(eng.Start(ctx))
	defer eng.Stop(ctx)
	svc := market.New(st, &market.Config{Logger: quiet, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})

	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	_, err = svc.CreateUser(ctx, admin, market.CreateUser{ID: "asha", Email: "asha@example.com", Name: "Asha"})
	check(err)
	select {
	case m := <-sent:
		fmt.Println(m.To, "|", m.Subject, "|", m.MessageID != "")
	case <-time.After(10 * time.Second):
		fmt.Println("no email")
	}
	fmt.Println(notify.Sign("whsec_example", time.Unix(1700000000, 0), []byte(`{"id":"n1"}`)))
	// Output:
	// asha@example.com | Welcome to Mohalla Mart, Asha | true
	// t=1700000000,v1=49a81b90e9c0534c605880234668d353791854548196dbb86b8b40db30d25aaa
}

// mailer is a notify.Mailer that hands each message to a channel.
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
