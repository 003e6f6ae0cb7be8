package search

import (
	"html"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// Boosts rank an exact word above a completed prefix above a typo; the fuzzy
// match of a word also scores less the more edits it needs.
const (
	boostExact  = 3
	boostPrefix = 1.5
	boostTypo   = 1
)

// word is a word of a search text, folded as the index folds words, and its
// singular (the same word if it is not a plural).
type word struct{ raw, one string }

// queryWords returns the words of a search text. Punctuation separates words
// and is never syntax: quotes, *, ~, : and - match nothing and change nothing.
func queryWords(q string) []word {
	var ws []word
	for _, t := range queryAnalyzer.Analyze([]byte(q)) {
		if len(ws) == maxWords {
			break
		}
		ws = append(ws, word{raw: string(t.Term), one: singular(string(t.Term))})
	}
	return ws
}

// maxTypos is how many typos a word may contain, as Typesense allows by
// default: one from 4 letters, two from 7.
func maxTypos(w string) int {
	switch n := utf8.RuneCountInString(w); {
	case n >= 7:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// wordQuery matches one word in field: exactly or as its singular, with typos
// if typos is set, and, for the last word of the text (the one being typed),
// as a prefix.
func wordQuery(field string, w word, last, typos bool) query.Query {
	var qs []query.Query
	forms := []string{w.raw}
	if w.one != w.raw {
		forms = append(forms, w.one)
	}
	for _, f := range forms {
		exact := query.NewTermQuery(f)
		exact.SetField(field)
		exact.SetBoost(boostExact)
		qs = append(qs, exact)
		if n := maxTypos(w.raw); n > 0 && typos {
			fz := query.NewFuzzyQuery(f)
			fz.SetField(field)
			fz.SetFuzziness(n)
			fz.SetBoost(boostTypo)
			qs = append(qs, fz)
		}
	}
	if last {
		qs = append(qs, &completions{field: field, prefix: w.raw, skip: forms, boost: boostPrefix})
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// matching is how a search text matches: with typos or without, every word
// or any word, and the last word as a prefix too unless noPrefix.
type matching struct {
	typos, anyWord, noPrefix bool
}

// textQuery matches the words in field as m says: every one of them, or with
// m.anyWord at least one, ranked by how many and how well.
func textQuery(field string, ws []word, m matching) query.Query {
	qs := make([]query.Query, len(ws))
	for i, w := range ws {
		qs[i] = wordQuery(field, w, i == len(ws)-1 && !m.noPrefix, m.typos)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	if m.anyWord {
		return query.NewDisjunctionQuery(qs)
	}
	return query.NewConjunctionQuery(qs)
}

// matches reports whether an indexed term t is found by query word w under the
// rules of wordQuery.
func matches(t string, w word, last, typos bool) bool {
	if t == w.raw || t == w.one || (last && strings.HasPrefix(t, w.raw)) {
		return true
	}
	n := maxTypos(w.raw)
	return typos && n > 0 && (editDistance(t, w.raw, n) <= n || editDistance(t, w.one, n) <= n)
}

// typosPossible reports whether any word of ws may match with typos.
func typosPossible(ws []word) bool {
	for _, w := range ws {
		if maxTypos(w.raw) > 0 {
			return true
		}
	}
	return false
}

// Highlight shows which words of a name matched: Name is the name, HTML-escaped,
// with each matched word wrapped in <mark></mark>; Words lists them.
type Highlight struct {
	Name  string   `json:"name"`
	Words []string `json:"words"`
}

// highlight marks the words of name that the query words ws match as m says.
func highlight(name string, ws []word, m matching) *Highlight {
	if len(ws) == 0 {
		return nil
	}
	h := &Highlight{Words: []string{}}
	var b strings.Builder
	at := 0
	for _, t := range analyzedNames.tokens(name) {
		if t.start < at {
			continue // the singular of a word already marked
		}
		hit := false
		for i, w := range ws {
			if matches(t.term, w, i == len(ws)-1 && !m.noPrefix, m.typos) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		b.WriteString(html.EscapeString(name[at:t.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(name[t.start:t.end]))
		b.WriteString("</mark>")
		at = t.end
		h.Words = append(h.Words, name[t.start:t.end])
	}
	b.WriteString(html.EscapeString(name[at:]))
	h.Name = b.String()
	return h
}

// nameToken is a word of a name as the index has it, and where it is.
type nameToken struct {
	term       string
	start, end int
}

// tokenCache keeps the words of the names highlights were made for: analysing
// a name took a sixth of a search's CPU, and a name is shown again and again
// (many shops sell the same article). Words depend on the name alone, so a
// kept entry is never stale; the cache starts over when it is full.
type tokenCache struct {
	mu  sync.RWMutex
	m   map[string][]nameToken
	max int
}

var analyzedNames = tokenCache{max: 50_000}

// tokens returns the words of name, as textAnalyzer finds them.
func (c *tokenCache) tokens(name string) []nameToken {
	c.mu.RLock()
	ts, ok := c.m[name]
	c.mu.RUnlock()
	if ok {
		return ts
	}
	for _, t := range textAnalyzer.Analyze([]byte(name)) {
		ts = append(ts, nameToken{term: string(t.Term), start: t.Start, end: t.End})
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string][]nameToken, min(c.max, 1024))
	}
	c.m[name] = ts
	c.mu.Unlock()
	return ts
}

// editDistance is the edit distance of a and b in runes, counting a swap of
// two neighbours as one edit as Bleve's fuzzy matching does, or max+1 once it
// is known to exceed max. Words of up to 32 runes are measured without
// allocating: a typo search measures dozens of terms.
func editDistance(a, b string, max int) int {
	var abuf, bbuf [32]rune
	ra, rb := appendRunes(abuf[:0], a), appendRunes(bbuf[:0], b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	var rowBuf [3][33]int
	var rows [3][]int
	for i := range rows {
		if len(rb) < len(rowBuf[i]) {
			rows[i] = rowBuf[i][:len(rb)+1]
		} else {
			rows[i] = make([]int, len(rb)+1)
		}
	}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		before, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		best := i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], before[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		rows = [3][]int{prev, cur, before}
	}
	return rows[1][len(rb)]
}

// appendRunes appends the runes of s to buf.
func appendRunes(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}
