package store

import (
	"cmp"
	"slices"
	"sync"

	"github.com/mohallamart/mohalla"
)

// committedSize bounds the events a store keeps of its own latest commits.
const committedSize = 4096

// committed holds the events of this process's latest commits on SQLite, in
// log order, so that the node's followers (the live hub, the cache
// projection, the search index) take them from memory rather than each read
// them from the log again: on SQLite, where this process is the serving node,
// they are nearly every event the followers read, and a read of the log at
// every commit was a statement, its rows and their callers' JSON per
// follower.
//
// It holds committed events only (added after their transaction committed)
// with the positions the log gave them. A follower takes from it only the
// events right after its cursor, one position after another: SQLite's
// sequence numbers count up one at a time in commit order, so those are the
// log's next events whatever else wrote to the file. An event missing here
// (another process's, or one of a commit that reported an error) leaves a gap,
// and the follower reads the log from there.
type committed struct {
	mu  sync.Mutex
	evs []mohalla.Event // ascending Pos.ID; at most 2 × committedSize
}

// add keeps evs, a commit's events in log order.
func (c *committed) add(evs []mohalla.Event) {
	if len(evs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Commits end in log order, but the goroutines that committed them may
	// get here in another.
	at := len(c.evs)
	for at > 0 && evs[0].Pos.ID < c.evs[at-1].Pos.ID {
		at--
	}
	c.evs = slices.Insert(c.evs, at, evs...)
	if len(c.evs) > 2*committedSize {
		c.evs = slices.Clone(c.evs[len(c.evs)-committedSize:])
	}
}

// after returns up to limit of the events right after pos, one position
// after another, and whether it holds more events after those (after a gap,
// or past limit), which the caller must read next. It returns nothing if it
// does not hold the event right after pos.
func (c *committed) after(pos mohalla.Position, limit int) (evs []mohalla.Event, more bool) {
	if pos.Tx != 0 || limit <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	i, found := slices.BinarySearchFunc(c.evs, pos.ID+1, func(e mohalla.Event, id int64) int {
		return cmp.Compare(e.Pos.ID, id)
	})
	if !found {
		return nil, false
	}
	j := i + 1
	for j < len(c.evs) && j-i < limit && c.evs[j].Pos.ID == c.evs[j-1].Pos.ID+1 {
		j++
	}
	return slices.Clone(c.evs[i:j]), j < len(c.evs)
}
