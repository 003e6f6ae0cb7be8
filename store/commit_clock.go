package store

import (
	"context"
	"time"
)

type commitClockKey struct{}

// WithCommitClock returns ctx with at called once by each transaction run
// under it (InTx, InEventTx) that commits, before the transaction returns,
// with the time its COMMIT was sent: at most the time it took effect. The
// acknowledgement can reach a goroutine on a busy machine late, after other
// sessions have read what it committed. It is for measuring what follows a
// commit (bench live's commit-to-delivery), and at must be quick (on SQLite
// a group's leader calls it for each of the group's transactions).
func WithCommitClock(ctx context.Context, at func(time.Time)) context.Context {
	return context.WithValue(ctx, commitClockKey{}, at)
}

// tellCommitClock calls ctx's commit clock, if it has one (WithCommitClock),
// with the commit's time t.
func tellCommitClock(ctx context.Context, t time.Time) {
	if at, ok := ctx.Value(commitClockKey{}).(func(time.Time)); ok {
		at(t)
	}
}
