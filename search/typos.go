package search

import (
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// typoCache keeps the terms a word matches with typos, and those it begins,
// per snapshot's set of segments: finding them tests every name term of
// every segment (terms.go), and shoppers misspell the same words. The terms depend on the segments
// alone, so an entry is never stale while the segments are the same; the
// cache starts over when they change or it is full.
type typoCache struct {
	mu   sync.Mutex
	segs []segment.Segment
	m    map[string][]typoTerm
}

// typoTerm is a term within a word's allowed edits, and how many it needs.
type typoTerm struct {
	term  string
	edits int
}

const typoCacheSize = 10_000

// prefixEdits is the number of edits under which the cache keeps the terms a
// word begins (wordTerms): no typo search allows it.
const prefixEdits = -1

func typoKey(field, form string, n int) string { return field + "\x00" + strconv.Itoa(n) + form }

// get returns the cached terms of form with at most n typos in field of
// snap, if any.
func (c *typoCache) get(snap *scorch.IndexSnapshot, field, form string, n int) ([]typoTerm, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.same(snap) {
		return nil, false
	}
	ts, ok := c.m[typoKey(field, form, n)]
	return ts, ok
}

// put caches the terms of form with at most n typos in field of snap.
func (c *typoCache) put(snap *scorch.IndexSnapshot, field, form string, n int, ts []typoTerm) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.same(snap) || len(c.m) >= typoCacheSize {
		c.segs, c.m = c.segs[:0], map[string][]typoTerm{}
		for _, ss := range snap.Segments() {
			c.segs = append(c.segs, ss.Segment())
		}
	}
	c.m[typoKey(field, form, n)] = slices.Clip(ts)
}

// same reports whether snap has the segments of the cached entries.
func (c *typoCache) same(snap *scorch.IndexSnapshot) bool {
	segs := snap.Segments()
	if c.m == nil || len(segs) != len(c.segs) {
		return false
	}
	for i, ss := range segs {
		if ss.Segment() != c.segs[i] {
			return false
		}
	}
	return true
}
