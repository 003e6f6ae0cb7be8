package engine

import (
	"errors"
	"time"
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
// worker recovers it and snoozes the job until wake. The contract for
// handlers: Sleep, SleepUntil and WaitForEvent unwind the handler with a
// panic, so call steps from the handler's own goroutine. A handler may
// recover panics (the step remembers it parked the run, and the worker parks
// it all the same), but code after a swallowed suspension runs in vain: its
// steps park again, and its result is discarded.
type suspend struct {
	status string
	wake   time.Time
}
