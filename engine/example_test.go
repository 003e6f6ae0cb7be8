package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// A function triggered by an event, on the embedded SQLite store: the market
// queues its run in the transaction that stores the event, a worker runs its
// steps, and the run history keeps each step's result.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "engine-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.DiscardHandler)
	st, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet})
	if err != nil {
		panic(err)
	}
	defer st.Close()

	greet := engine.NewFunction(engine.FunctionOpts{ID: "greet"}, engine.OnEvent("greeting/requested"),
		func(ctx context.Context, in engine.Input) (any, error) {
			var shop struct{ Name string }
			if err := json.Unmarshal(in.Event.Data, &shop); err != nil {
				return nil, engine.NonRetriable(err)
			}
			// A step's result is stored: a retry of the run gets it back
			// without executing the step again.
			title, err := engine.Run(ctx, in.Step, "title", func(ctx context.Context) (string, error) {
				return strings.ToUpper(shop.Name), nil
			})
			if err != nil {
				return nil, err
			}
			return "welcome, " + title, nil
		})
	eng, err := engine.New(ctx, st, &engine.Config{Logger: quiet, FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	if err := eng.Register(greet); err != nil {
		panic(err)
	}
	if err := eng.Start(ctx); err != nil {
		panic(err)
	}
	defer eng.Stop(ctx)
	svc := market.New(st, &market.Config{Logger: quiet, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})

	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	if _, err := svc.SendEvents(ctx, admin, []market.SendEvent{
		{ID: "e1", Name: "greeting/requested", Data: json.RawMessage(`{"name":"Ravi Kirana"}`)},
	}); err != nil {
		panic(err)
	}
	var run engine.RunDetail
	for range 200 { // a worker takes the run at once; give up after 10s
		runs, err := eng.Runs(ctx, admin, engine.RunQuery{Function: "greet"})
		if err != nil {
			panic(err)
		}
		if len(runs.Items) == 1 && runs.Items[0].Status == enginetype.RunCompleted {
			if run, err = eng.RunDetail(ctx, admin, runs.Items[0].ID); err != nil {
				panic(err)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Println(run.Status, string(run.Output))
	for _, s := range run.Steps {
		fmt.Println(s.StepID, s.Status, string(s.Output))
	}
	// Output:
	// completed "welcome, RAVI KIRANA"
	// title completed "RAVI KIRANA"
}
