package engine

import (
	"errors"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
)

type nonRetriable struct{ err error }

func (e nonRetriable) Error() string { return e.err.Error() }
func (e nonRetriable) Unwrap() error { return e.err }

// NonRetriable wraps err so that the run fails at once, without retries.
func NonRetriable(err error) error { return nonRetriable{err} }

type retryAfter struct {
	err error
	d   time.Duration
}

func (e retryAfter) Error() string { return e.err.Error() }
func (e retryAfter) Unwrap() error { return e.err }

// RetryAfter wraps err so that the next attempt comes after d rather than after
// the usual backoff.
func RetryAfter(d time.Duration, err error) error { return retryAfter{err, d} }

func isNonRetriable(err error) bool {
	var n nonRetriable
	return errors.As(err, &n)
}

// suspend is panicked by a step that parks the run (a sleep or a wait); the
// worker recovers it and snoozes the job until wake. See the package's doc,
// Suspending a run, for the contract it sets handlers.
type suspend struct {
	status enginetype.RunStatus
	wake   time.Time
}

// stepFailure is panicked by a step that failed and has no error result to
// return it in (Sleep, SleepUntil); the worker recovers it and the attempt
// fails with err, as if the handler had returned it.
type stepFailure struct{ err error }
