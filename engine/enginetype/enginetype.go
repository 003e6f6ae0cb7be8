// Package enginetype holds the types of the functions engine's records that
// other packages share: a run, a step and their statuses. It depends on
// nothing of the project, so the store can return them and the HTTP API serve
// them (their JSON shape is here) without importing the engine, as River's
// rivertype does for River's jobs.
package enginetype

import (
	"encoding/json"
	"time"
)

// RunStatus is where a run is in its life: queued, running, parked (sleeping
// or waiting), or finished (completed, failed, cancelled, skipped).
type RunStatus string

// The statuses of a run.
const (
	RunQueued    RunStatus = "queued"
	RunRunning   RunStatus = "running"
	RunSleeping  RunStatus = "sleeping"
	RunWaiting   RunStatus = "waiting"
	RunCompleted RunStatus = "completed"
	RunFailed    RunStatus = "failed"
	RunCancelled RunStatus = "cancelled"
	RunSkipped   RunStatus = "skipped" // never started: a rate limit or a singleton refused it (see Reason)
)

// RunRow is a durable function run.
type RunRow struct {
	ID             string          `json:"id"`
	FunctionID     string          `json:"functionId"`
	IdempotencyKey string          `json:"idempotencyKey"`
	EventID        string          `json:"eventId,omitempty"`
	Input          json.RawMessage `json:"input,omitempty"`
	Status         RunStatus       `json:"status"`
	Attempts       int             `json:"attempts"`
	ConcurrencyKey string          `json:"concurrencyKey,omitempty"`
	CancelKey      string          `json:"cancelKey,omitempty"`
	DebounceKey    *string         `json:"debounceKey,omitempty"`
	DebounceUntil  *time.Time      `json:"debounceUntil,omitempty"`
	Output         json.RawMessage `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Reason         string          `json:"reason,omitempty"` // why flow control delayed, skipped or cancelled the run
	DelayedUntil   *time.Time      `json:"delayedUntil,omitempty"`
	CreatedAt      time.Time       `json:"createdAt"`
	StartedAt      *time.Time      `json:"startedAt,omitempty"`
	EndedAt        *time.Time      `json:"endedAt,omitempty"`
	UpdatedAt      time.Time       `json:"updatedAt"`
}

// StepStatus is where a step of a run is: finished (completed, failed) or
// parking the run (sleeping, waiting).
type StepStatus string

// The statuses of a step.
const (
	StepCompleted StepStatus = "completed"
	StepFailed    StepStatus = "failed"
	StepSleeping  StepStatus = "sleeping"
	StepWaiting   StepStatus = "waiting"
)

// StepRow is the memo of one step of a run.
type StepRow struct {
	RunID      string          `json:"runId"`
	StepID     string          `json:"id"`
	Kind       string          `json:"kind"` // run, sleep, wait, send
	Status     StepStatus      `json:"status"`
	Output     json.RawMessage `json:"output,omitempty"`
	Error      string          `json:"error,omitempty"`
	Attempts   int             `json:"attempts"`
	WakeAt     *time.Time      `json:"wakeAt,omitempty"`
	Wait       json.RawMessage `json:"wait,omitempty"`
	JobID      *int64          `json:"-"`
	StartedAt  time.Time       `json:"startedAt"`
	EndedAt    *time.Time      `json:"endedAt,omitempty"`
	DurationMS int64           `json:"durationMs"`
	Seq        int             `json:"seq"`
}
