package store

import (
	"cmp"
	"slices"
	"sync"

	"github.com/mohallamart/mohalla"
)

// commitsEvents bounds the events a Commits keeps; a commit of more than
// commitsTxMax events is not kept.
const (
	commitsEvents = 4096
	commitsTxMax  = 500
)

// Commits holds the events of the latest commits of a process, each
// commit's whole and in log order, counted in the order they were added, so
// that a follower that hands transactions over as they commit
// (eventlog.NewMarkedFollower: the live hub's) takes them from memory rather
// than read each from the log: the store keeps this process's own on
// PostgreSQL (RecentCommits), and eventlog.Notifier those its notifications
// carry from other nodes. It keeps the latest few thousand events; the
// events are never modified once added. The zero value is ready to use.
type Commits struct {
	mu     sync.Mutex
	n      uint64      // the commits added
	txs    []commitsTx // the latest of them, the last being the nth
	events int         // in txs
}

// commitsTx is one commit's events, or none if it was not kept.
type commitsTx struct {
	evs  []mohalla.Event
	kept bool
}

// Add adds a commit: evs, the events one transaction appended, with their
// positions. It keeps evs itself (in log order), which the caller must not
// modify after.
func (r *Commits) Add(evs []mohalla.Event) {
	if len(evs) == 0 {
		return
	}
	tx := commitsTx{}
	if len(evs) <= commitsTxMax {
		tx = commitsTx{evs: evs, kept: true}
		slices.SortFunc(tx.evs, func(a, b mohalla.Event) int {
			return cmp.Or(cmp.Compare(a.Pos.Tx, b.Pos.Tx), cmp.Compare(a.Pos.ID, b.Pos.ID))
		})
	}
	r.add(tx)
}

// Gap adds a commit whose events it was not given (a notification that
// named none): a caller of Since past it must read the log.
func (r *Commits) Gap() { r.add(commitsTx{}) }

func (r *Commits) add(tx commitsTx) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	r.txs = append(r.txs, tx)
	r.events += len(tx.evs)
	drop := 0
	for r.events > commitsEvents {
		r.events -= len(r.txs[drop].evs)
		drop++
	}
	if drop > 0 {
		r.txs = slices.Delete(r.txs, 0, drop)
	}
}

// Since returns the events of the commits added after the first seen of
// them (each commit's together, in log order), how many commits were
// added, and whether it returned all of those after seen: a caller passes
// the count back at its next call.
func (r *Commits) Since(seen uint64) (txs [][]mohalla.Event, n uint64, complete bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	after := r.n - min(seen, r.n) // the commits after the first seen
	held := uint64(len(r.txs))
	complete = after <= held
	for _, tx := range r.txs[held-min(after, held):] {
		if !tx.kept {
			complete = false
			continue
		}
		txs = append(txs, tx.evs)
	}
	return txs, r.n, complete
}

// RecentCommits returns Commits.Since of this process's commits on
// PostgreSQL, with their positions. On SQLite, where it returns nothing,
// followers take this process's commits from Committed.
func (s *Store) RecentCommits(seen uint64) ([][]mohalla.Event, uint64, bool) {
	return s.recent.Since(seen)
}
