package search

import (
	"cmp"
	"strings"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The last word of a search matches as a prefix while the shopper types,
// and a short one begins many terms: "Parle-G" ends in "g", which begins
// dozens, and "Chi" begins chips, chilli, chikki... Their matches were the
// union of all those terms' postings, made anew by every such search and
// again by its typo attempt: a union of a hundred thousand products was
// most of a 2-3 ms search at a million. A segment never changes, so each
// one unites the postings of every prefix of up to prefixMaxRunes runes
// that begins two terms or more, once with its columns, and keeps those
// that hold as many products as a facet base needs (facet_base.go): fewer
// are cheap to unite at search time.

// prefixMaxRunes is the longest prefix whose terms' postings are united
// when the columns are built.
const prefixMaxRunes = 4

// buildPrefixUnions unites the postings of the name terms of c (of seg)
// beginning with each prefix of up to prefixMaxRunes runes that begins two
// terms or more, and keeps the unions of least products or more.
func (c *columns) buildPrefixUnions(seg segment.Segment, least uint64) error {
	dict, err := seg.Dictionary(fieldName)
	if err != nil {
		return err
	}
	terms := c.terms.terms // sorted: the terms of a prefix are neighbours
	for n := 1; n <= prefixMaxRunes; n++ {
		for i := 0; i < len(terms); {
			p, ok := runePrefix(terms[i], n)
			j := i + 1
			for ok && j < len(terms) && strings.HasPrefix(terms[j], p) {
				j++
			}
			if ok && j-i >= 2 {
				bms := make([]*roaring.Bitmap, 0, j-i)
				for _, t := range terms[i:j] {
					bm, err := postings(dict, t)
					if err != nil {
						return err
					}
					bms = append(bms, bm)
				}
				if u := roaring.FastOr(bms...); u.GetCardinality() >= least {
					u.RunOptimize()
					if c.prefixes == nil {
						c.prefixes = map[string]*roaring.Bitmap{}
					}
					c.prefixes[p] = u
				}
			}
			i = j
		}
	}
	return nil
}

// runePrefix returns the first n runes of s, and false if s has fewer.
func runePrefix(s string, n int) (string, bool) {
	i := 0
	for range n {
		if i == len(s) {
			return "", false
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], true
}

// prefixLeast is the fewest products a prefix's union needs to be kept: as
// many as a facet base (baseMin, default baseMinDocs, or one in 64).
func prefixLeast(c *columns, baseMin int) uint64 {
	return uint64(cmp.Or(baseMin, max(baseMinDocs, len(c.facet)/64)))
}

// wordMatches returns the documents of v that word i of the search
// matches, the union of its terms' postings, and whether that bitmap is
// new (else it is shared, not to be changed). A last word matched as a
// prefix starts from the segment's union of the terms it begins, if kept.
func (s *productScan) wordMatches(v *segmentScan, i int) (*roaring.Bitmap, bool) {
	ts := v.terms[i]
	if i == len(v.terms)-1 && s.prefix != "" && len(ts) > 2 {
		if u := v.cols.prefixes[s.prefix]; u != nil {
			// Its other terms are its forms and typos that do not begin
			// with it; those that do are in the union, or not in v.
			bms := []*roaring.Bitmap{u}
			for j, t := range s.words[i] {
				if !strings.HasPrefix(t.term, s.prefix) {
					bms = append(bms, ts[j])
				}
			}
			return union(bms), len(bms) > 1
		}
	}
	return union(ts), len(ts) > 1
}
