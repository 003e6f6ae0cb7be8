// Package kit is the engine's door for its test kit, enginetest: what the kit
// needs that the engine does not offer its other users. The engine sets the
// functions when it loads.
package kit

import (
	"context"
	"encoding/json"
)

var (
	// Attempt executes an attempt of a run of eng (an *engine.Engine) at
	// once, on the caller's goroutine, without the queue. Its error is what
	// River would have been told.
	Attempt func(ctx context.Context, eng any, runID string, a AttemptOpts) error
	// Stub makes the step stepID of every run of eng return result (JSON)
	// or err instead of executing.
	Stub func(eng any, stepID string, result json.RawMessage, err error)
)

// AttemptOpts numbers an attempt as River would: N counts every attempt, and
// each snooze (a park) adds one to the run's maximum, so parks never spend its
// retries. With Stepwise, the attempt parks the run (queued) after the first
// step it executes.
type AttemptOpts struct {
	N, Snoozed int
	Stepwise   bool
}
