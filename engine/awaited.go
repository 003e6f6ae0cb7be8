package engine

import (
	"context"
	"sync"
)

// awaited is, on SQLite, every event name a run may be waiting for: the names
// of the waits in the store when the engine started, and of each wait since.
// A SQLite store's runs all run on its one serving node, so a commit of none
// of these names wakes no run, and AfterCommit skips its look-up; at a steady
// stream of writes that no run waits for, the look-up was one query per
// commit. Names are never removed: a name too many only costs a look-up.
type awaited struct {
	mu    sync.RWMutex
	names map[string]bool
	all   bool // the waits in the store are unknown: look every commit up
}

// load adds the names of the waits in the store; if they cannot be read,
// every commit is looked up.
func (a *awaited) load(ctx context.Context, e *Engine) {
	names, err := e.st.Read().WaitingEvents(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.all = true
		return
	}
	for _, n := range names {
		a.names[n] = true
	}
}

func (a *awaited) add(name string) {
	a.mu.RLock()
	known := a.names[name]
	a.mu.RUnlock()
	if !known {
		a.mu.Lock()
		a.names[name] = true
		a.mu.Unlock()
	}
}

// any reports whether a run may wait for one of names.
func (a *awaited) any(names []string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.all {
		return true
	}
	for _, n := range names {
		if a.names[n] {
			return true
		}
	}
	return false
}
