package store

import (
	"testing"

	"github.com/mohallamart/mohalla"
)

// TestCommits: a follower gets each commit once, whole and in log
// order, by passing back the count it was given; it is told when commits it
// did not look at were dropped (too many since, one too large to keep, or a
// gap).
func TestCommits(t *testing.T) {
	var r Commits
	tx := func(txid int64, n int) []mohalla.Event {
		evs := make([]mohalla.Event, n)
		for i := range evs {
			evs[i].Pos = mohalla.Position{Tx: txid, ID: int64(n - i)} // appended out of order
		}
		return evs
	}
	r.Add(tx(10, 2))
	r.Add(tx(9, 1))
	txs, seen, complete := r.Since(0)
	if len(txs) != 2 || seen != 2 || !complete || txs[0][0].Pos.ID != 1 || txs[0][1].Pos.ID != 2 || txs[1][0].Pos.Tx != 9 {
		t.Fatalf("since 0: %v, %d, %v; want both commits, each in log order", txs, seen, complete)
	}
	if txs, n, complete := r.Since(seen); len(txs) != 0 || n != 2 || !complete {
		t.Fatalf("nothing new: %v, %d, %v", txs, n, complete)
	}
	r.Add(tx(11, commitsTxMax+1))
	r.Add(tx(12, 1))
	if txs, n, complete := r.Since(seen); len(txs) != 1 || txs[0][0].Pos.Tx != 12 || n != 4 || complete {
		t.Fatalf("after a commit too large to keep: %v, %d, %v; want the small one, incomplete", txs, n, complete)
	}
	_, seen4, _ := r.Since(0)
	r.Gap()
	if txs, n, complete := r.Since(seen4); len(txs) != 0 || n != seen4+1 || complete {
		t.Fatalf("after a gap: %v, %d, %v; want nothing, incomplete", txs, n, complete)
	}
	for i := range commitsEvents {
		r.Add(tx(int64(100+i), 1))
	}
	if txs, _, complete := r.Since(5); len(txs) != commitsEvents || !complete {
		t.Fatalf("the latest %d commits: %d, complete %v; want all", commitsEvents, len(txs), complete)
	}
	if txs, _, complete := r.Since(seen); len(txs) != commitsEvents || complete {
		t.Fatalf("after more than it keeps: %d commits, complete %v; want the latest %d, incomplete", len(txs), complete, commitsEvents)
	}
	if r.events > commitsEvents {
		t.Fatalf("%d events kept, at most %d", r.events, commitsEvents)
	}
}
