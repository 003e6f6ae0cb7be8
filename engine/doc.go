// Package engine runs durable functions in Inngest's model on River: functions
// triggered by events or cron, whose runs are queued in the same transaction as
// the event, retried with backoff, and made of memoized steps that survive a
// crash. Runs and steps are recorded and can be listed, cancelled, re-run and
// replayed.
//
// # Steps that write to the store
//
// Run records a step after its function returned, in a write of its own.
// RunTx is for a step whose effect is writes to the store (a notification's
// record, say): its function makes them in a transaction the step opens, and
// the step's record is sent with that transaction's COMMIT, so the writes and
// the record commit together or not at all, in one transaction instead of
// two or more. Anything that must happen outside a transaction (an email, an
// HTTP call) belongs in Run.
//
// # Errors
//
// A handler fails an attempt by returning an error: the run is retried with
// backoff (RetryAfter sets the delay), or fails at once if the error is
// NonRetriable. A step's error (Run, WaitForEvent, SendEvent), including the
// store's failure to record the step, is returned to the handler to return in
// turn. A panic in a handler fails the attempt with the panic's value and
// stack; it never stops the worker.
//
// # Suspending a run
//
// Sleep, SleepUntil and WaitForEvent park the run without holding a worker:
// they record the step and then unwind the handler with a panic, which the
// worker recovers; River snoozes the run's job, and when it wakes the handler
// runs again from the top, every finished step returning its stored result.
// Code after a parking step therefore never runs in the attempt that parked,
// so a side effect outside a step cannot happen before the sleep is over. (A
// returned sentinel error, as River's JobSnooze, would leave that to each
// handler to get right.) The contract for handlers:
//
//   - Call steps on the handler's own goroutine. A parking step called on
//     another goroutine cannot unwind the handler: it ends its own goroutine
//     (runtime.Goexit, so its deferred calls run) and the attempt fails, not
//     to be retried, with an error that says so, once the handler returns.
//   - Do not recover() around steps to carry on. A handler may recover panics
//     (a guard turning panics into errors), but the step remembers that it
//     parked the run, and the worker parks it all the same; steps called after
//     a swallowed suspension unwind again, and whatever the handler returns
//     is discarded.
//   - If the store fails to record a sleep (Sleep and SleepUntil have no error
//     result), the step unwinds the handler with that failure, and the attempt
//     fails with it as if the handler had returned it: the run is retried.
package engine
