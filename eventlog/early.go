package eventlog

import (
	"context"
	"slices"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// stepEarly is step for a follower that hands over early (NewMarkedFollower):
// it reads every committed event after the cursor but those of the
// transactions it handed over early already, and hands over first those below
// the log's horizon (in log order, moving the cursor), then each whole
// transaction above it. Its horizon is a read no older than need, or, with
// latest, the store's latest read, however old (store.Q.LatestHorizon): the
// commit that woke it is read all the same, and handed over early if the
// horizon does not show it settled yet. The caller holds stepMu.
func (f *Follower) stepEarly(ctx context.Context, need store.Horizon, latest bool) (bool, error) {
	start := f.Mark()
	skip := make([]int64, len(start.Also))
	for i, p := range start.Also {
		skip[i] = p.Tx
	}
	read := f.st.ReadLog().ReadHorizon
	if latest {
		read = f.st.ReadLog().LatestHorizon
	}
	h, err := read(ctx, need)
	if err != nil {
		return false, err
	}
	f.used = h
	got, err := f.st.ReadLog().ReadCommittedEvents(ctx, h, start.At, skip, f.cfg.Batch)
	if err != nil {
		return false, err
	}
	evs, horizon := got.Events, got.Horizon
	// As step: the pruning horizon, read after the events, shows whether
	// events after the cursor were pruned.
	f.started = true
	if start.At.Less(got.Pruned) {
		return true, f.rebuild(ctx, start.At, got.Pruned)
	}
	full := len(evs) == f.cfg.Batch
	settled := 0 // evs[:settled] are below the horizon: all there will ever be
	for settled < len(evs) && evs[settled].Pos.Tx < horizon {
		settled++
	}
	// Every event below the horizon has been read when the read did not stop
	// short of the horizon's events: then the cursor may move past the
	// transactions handed over early below it too.
	allSettled := !full || settled < len(evs)
	marks := make([]Mark, 0, len(evs))
	for _, e := range evs[:settled] {
		marks = append(marks, Mark{At: e.Pos, Also: beyond(start.Also, e.Pos)})
	}
	at := start.At
	if settled > 0 {
		at = evs[settled-1].Pos
	}
	if allSettled {
		for _, p := range start.Also {
			if p.Tx < horizon && at.Less(p) {
				at = p
			}
		}
	}
	base := Mark{At: at, Also: beyond(start.Also, at)}
	if settled > 0 {
		marks[settled-1] = base // with the transactions below the horizon it passed
	}
	// The transactions above the horizon, whole: a full read's last one may
	// have been cut short, and is read again next time.
	early := evs[settled:]
	if full && len(early) > 0 {
		last := early[len(early)-1].Pos.Tx
		for len(early) > 0 && early[len(early)-1].Pos.Tx == last {
			early = early[:len(early)-1]
		}
	}
	marks, k := earlyMarks(marks, at, base.Also, early)
	n := settled + k
	handed := evs[:n]
	if len(handed) > 0 {
		if err := f.h(ctx, handed, marks); err != nil {
			return false, err
		}
	}
	end := base
	if len(marks) > 0 {
		end = marks[len(marks)-1]
	}
	f.reach(end)
	// Read again at once when this read stopped short and handed something
	// over; one that handed nothing over would read the same again.
	return full && (n > 0 || end.At != start.At), nil
}

// earlyMarks appends to marks the marks of the transactions of early (each
// one's events together, in log order), handed over beyond at and also, and
// returns them with how many events of early they cover: all, but those of
// the transactions past maxEarly, which wait for the horizon.
func earlyMarks(marks []Mark, at mohalla.Position, also []mohalla.Position, early []mohalla.Event) ([]Mark, int) {
	n := 0
	for i := 0; i < len(early); {
		j := i + 1
		for j < len(early) && early[j].Pos.Tx == early[i].Pos.Tx {
			j++
		}
		if len(also) >= maxEarly {
			break // the rest waits for the horizon
		}
		// Each event's mark names its transaction up to it, in its place
		// among the others: an older transaction may commit later.
		k, _ := slices.BinarySearchFunc(also, early[i].Pos.Tx, byTx)
		for _, e := range early[i:j] {
			m := make([]mohalla.Position, 0, len(also)+1)
			m = append(append(append(m, also[:k]...), e.Pos), also[k:]...)
			marks = append(marks, Mark{At: at, Also: m})
		}
		also = marks[len(marks)-1].Also
		n += j - i
		i = j
	}
	return marks, n
}

// reach moves the follower's mark to cover end, what it handed over (Advance
// may have moved its cursor meanwhile).
func (f *Follower) reach(end Mark) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := Mark{At: f.pos, Also: f.also}.Union(end)
	f.pos, f.also = now.At, beyond(now.Also, now.At)
}

// fromMemory hands over early the transactions this process committed
// since it last looked (store.Store.RecentCommits) that the follower has
// not handed over, taking their events from memory rather than reading them
// from the log: the node that commits a change hands it to its live streams
// without a round trip to the database, which, on a busy node, waited behind
// everything else for the reply. It reports whether it handed over every
// such commit (see handOver). The caller holds stepMu.
func (f *Follower) fromMemory(ctx context.Context) (bool, error) {
	txs, n, complete := f.st.RecentCommits(f.seen)
	f.seen = n
	return f.handOver(ctx, txs, complete)
}

// handCommitted hands over early what another node's notification carried
// (Notifier.Wake): txs, transactions that committed, each one's events
// together in log order, but those it handed over already. It reports
// whether the follower need not read the log for them: it handed over each,
// with complete (no commit notified since the last call was left out), and
// no read is due (readDue), and whether a read must wait for a read of the
// horizon after the call (readDue's long).
func (f *Follower) handCommitted(ctx context.Context, txs [][]mohalla.Event, complete bool) (skip, fresh bool, err error) {
	f.stepMu.Lock()
	defer f.stepMu.Unlock()
	if !f.started || (f.cfg.Idle != nil && f.cfg.Idle()) {
		return false, false, nil
	}
	all, err := f.handOver(ctx, txs, complete)
	due, long := f.readDue()
	return all && !due, long, err
}

// handOver hands over early txs, transactions that committed, each one's
// events together in log order, but those the follower handed over already.
// It reports whether it handed over every one, with complete; if not (one
// was larger than a batch, or maxEarly were beyond the cursor), the log must
// be read. The caller holds stepMu.
func (f *Follower) handOver(ctx context.Context, txs [][]mohalla.Event, complete bool) (bool, error) {
	start := f.Mark()
	var evs []mohalla.Event
	for _, tx := range txs {
		switch {
		case len(tx) == 0 || start.Has(tx[0].Pos):
		case len(tx) > f.cfg.Batch:
			complete = false // handed over in log order, read
		default:
			evs = append(evs, tx...)
		}
	}
	if len(evs) == 0 {
		return complete, nil
	}
	marks, k := earlyMarks(nil, start.At, start.Also, evs)
	if k > 0 {
		if err := f.h(ctx, evs[:k], marks); err != nil {
			return false, err
		}
		f.reach(marks[k-1])
	}
	return complete && k == len(evs), nil
}
