package syncmon

import (
	"context"
	"encoding/json"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
)

// FunctionID is the monitor's cron function.
const FunctionID = "sync-monitor"

// Summary is the output of a check run and the data of sync/drift-detected.
type Summary struct {
	CheckID     string   `json:"checkId"`
	Drift       bool     `json:"drift"`
	MissingDocs int      `json:"missingDocs"`
	StaleDocs   int      `json:"staleDocs"`
	ExtraDocs   int      `json:"extraDocs"`
	StaleCache  int      `json:"staleCache"`
	Lagging     []string `json:"lagging,omitempty"`
	FailedRuns  int      `json:"failedRuns"`
	StuckRuns   int      `json:"stuckRuns"`
	Reindexed   int      `json:"reindexed"`
	Evicted     int      `json:"evicted"`
}

func summarize(id string, f Findings, r Repairs) Summary {
	return Summary{CheckID: id, Drift: f.Drift(), MissingDocs: len(f.MissingDocs), StaleDocs: len(f.StaleDocs),
		ExtraDocs: len(f.ExtraDocs), StaleCache: len(f.StaleCache), Lagging: f.Lagging, FailedRuns: len(f.FailedRuns),
		StuckRuns: len(f.StuckRuns), Reindexed: len(r.Reindexed), Evicted: len(r.Evicted)}
}

// Function is the monitor as a cron function: one check per tick across the
// cluster, on the node that runs it, appending sync/drift-detected once per
// check that found drift.
func (m *Monitor) Function() *engine.Function {
	// One check and repair at a time across the cluster: a tick that finds
	// the last one unfinished is skipped, with the reason in its run.
	return engine.NewFunction(engine.FunctionOpts{ID: FunctionID, Name: "Sync monitor", Retries: 1,
		Singleton: &engine.Singleton{Mode: engine.SingletonSkip}},
		engine.OnCron(m.cfg.Schedule),
		func(ctx context.Context, in engine.Input) (any, error) {
			s, err := engine.Run(ctx, in.Step, "check", func(ctx context.Context) (Summary, error) {
				c, f, r, err := m.Check(ctx)
				return summarize(c.ID, f, r), err
			})
			if err != nil || !s.Drift {
				return s, err
			}
			ev, err := engine.Run(ctx, in.Step, "event", func(context.Context) (mohalla.Event, error) {
				return eventOf(s)
			})
			if err != nil {
				return s, err
			}
			_, err = in.Step.SendEvent(ctx, "drift-detected", ev)
			return s, err
		})
}

func eventOf(s Summary) (mohalla.Event, error) {
	b, err := json.Marshal(s)
	return mohalla.Event{ID: "drift-" + s.CheckID, Name: mohalla.EventSyncDriftDetected, Data: b}, err
}
