package search

import (
	"math/bits"
	"sort"
	"strings"
	"unicode/utf8"

	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A typo search asks which terms of the names lie within a word's allowed
// edits. Bleve answers by building a Levenshtein automaton for the word,
// which allocated about a megabyte and took one to four milliseconds, and
// running it over each segment's dictionary from a goroutine per segment.
// The names hold a few hundred distinct terms, even at a million products,
// so each segment keeps its terms in a list (read once, with its columns),
// and a word's typos are found by testing them: a term whose length or
// letters differ by more than the edits allowed is passed over at once, and
// the few others are measured. The terms a word begins are found in the same
// list, which is sorted as the dictionary is.

// nameTerms are the terms of a segment's name field, sorted, with each one's
// length in runes and its runes hashed one bit each (runeMask).
type nameTerms struct {
	terms []string
	runes []uint16
	masks []uint64
}

// readNameTerms reads the name terms of seg's dictionary.
func readNameTerms(seg segment.Segment) (nameTerms, error) {
	var nt nameTerms
	dict, err := seg.Dictionary(fieldName)
	if err != nil {
		return nt, err
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	for {
		de, err := it.Next()
		if err != nil {
			return nt, err
		}
		if de == nil {
			return nt, nil
		}
		nt.terms = append(nt.terms, de.Term)
		nt.runes = append(nt.runes, uint16(min(utf8.RuneCountInString(de.Term), 1<<16-1)))
		nt.masks = append(nt.masks, runeMask(de.Term))
	}
}

// runeMask hashes each rune of s to one of 64 bits. A term within n edits
// of a word has at most n runes the word lacks, and lacks at most n of the
// word's: so at most n bits of either mask are missing from the other.
func runeMask(s string) uint64 {
	var m uint64
	for _, r := range s {
		m |= 1 << (uint32(r) & 63)
	}
	return m
}

// withPrefix calls f with each term that begins with prefix, in order.
func (nt *nameTerms) withPrefix(prefix string, f func(term string)) {
	for i := sort.SearchStrings(nt.terms, prefix); i < len(nt.terms) && strings.HasPrefix(nt.terms[i], prefix); i++ {
		f(nt.terms[i])
	}
}

// within calls f with each term at 1 to n edits from form (editDistance),
// and the edits.
func (nt *nameTerms) within(form string, n int, f func(term string, edits int)) {
	runes, mask := utf8.RuneCountInString(form), runeMask(form)
	for i, t := range nt.terms {
		if d := int(nt.runes[i]) - runes; d > n || -d > n {
			continue
		}
		if m := nt.masks[i]; bits.OnesCount64(m&^mask) > n || bits.OnesCount64(mask&^m) > n {
			continue
		}
		if e := editDistance(t, form, n); e > 0 && e <= n {
			f(t, e)
		}
	}
}
