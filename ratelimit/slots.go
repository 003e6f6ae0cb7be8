package ratelimit

import "sync"

// Slots counts what each key holds open at once, such as live streams, on
// this node.
type Slots struct {
	mu   sync.Mutex
	held map[string]int
}

// NewSlots returns an empty count.
func NewSlots() *Slots { return &Slots{held: map[string]int{}} }

// Acquire takes one of key's max slots. It returns false, taking nothing, if
// key holds max already; else true and the func that gives the slot back
// (once, however often it is called). A max of 0 or less is no limit.
func (s *Slots) Acquire(key string, max int) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if max > 0 && s.held[key] >= max {
		return nil, false
	}
	s.held[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.held[key]--; s.held[key] <= 0 {
				delete(s.held, key)
			}
		})
	}, true
}

// Held returns how many slots key holds.
func (s *Slots) Held(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[key]
}
