package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestNameTermsFindWhatBleveFinds checks that the typos and completions a
// search finds in the segments' name term lists are exactly the terms
// Bleve's fuzzy and prefix dictionaries give (the fuzzy ones kept within
// editDistance, as searches kept them), over several segments, for every
// term of the index and for misspellings of them with one and two edits.
func TestNameTermsFindWhatBleveFinds(t *testing.T) {
	t.Parallel()
	ctx := store.AsProjection(context.Background(), "test")
	st, dir, svc, n := seededStore(ctx, t, &demo.Config{Users: 40, Shops: 12, Products: 1500})
	ix := openCaughtUp(t, st, dir+"/search")
	admin := mohalla.Caller{ID: "terms-test", Role: mohalla.RoleAdmin}
	for i, name := range []string{"Zyxwvut Crunchies", "Paneer Zyxwvu Tikka", "Kurkure Xylophone Masala"} {
		price, stock, p := mohalla.Money(1000+i), int64(5), n.Products[i]
		if _, err := svc.CreateProduct(ctx, admin, market.CreateProduct{Name: name, Price: &price, Category: p.Category,
			ShopID: p.ShopID, Stock: &stock}); err != nil {
			t.Fatal(err)
		}
		if err := ix.CatchUp(ctx); err != nil { // a segment each
			t.Fatal(err)
		}
	}
	snap, done, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	cols, err := ix.columns.of(snap)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) < 2 {
		t.Fatalf("%d segments, want several", len(cols))
	}
	d, err := snap.FieldDict(fieldName)
	if err != nil {
		t.Fatal(err)
	}
	all := dictTerms(t, d, func(string) bool { return true })
	r := rand.New(rand.NewPCG(3, 3))
	words := slices.Clone(all)
	for _, term := range all {
		words = append(words, misspell(r, term), misspell(r, misspell(r, term)), term[:min(len(term), 1+r.IntN(4))])
	}
	for _, w := range words {
		for n := 1; n <= 2; n++ {
			d, err := snap.FieldDictFuzzy(fieldName, w, n, "")
			if err != nil {
				t.Fatal(err)
			}
			want := dictTerms(t, d, func(term string) bool { e := editDistance(term, w, n); return e > 0 && e <= n })
			var got []string
			for _, tt := range fromSegments(cols, func(nt *nameTerms, add func(typoTerm)) {
				nt.within(w, n, func(term string, e int) { add(typoTerm{term: term, edits: e}) })
			}) {
				got = append(got, tt.term)
				if e := editDistance(tt.term, w, n); tt.edits != e {
					t.Errorf("%q within %d of %q: edits %d, want %d", tt.term, n, w, tt.edits, e)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%q with %d typos: got %q, Bleve's %q", w, n, got, want)
			}
		}
		d, err := snap.FieldDictPrefix(fieldName, []byte(w))
		if err != nil {
			t.Fatal(err)
		}
		want := dictTerms(t, d, func(string) bool { return true })
		var got []string
		for _, tt := range fromSegments(cols, func(nt *nameTerms, add func(typoTerm)) {
			nt.withPrefix(w, func(term string) { add(typoTerm{term: term}) })
		}) {
			got = append(got, tt.term)
		}
		if !slices.Equal(got, want) {
			t.Errorf("prefix %q: got %q, Bleve's %q", w, got, want)
		}
	}
}

// dictTerms returns the terms of d that keep accepts, and closes d.
func dictTerms(t *testing.T, d index.FieldDict, keep func(string) bool) []string {
	t.Helper()
	var out []string
	for {
		de, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if de == nil {
			break
		}
		if keep(de.Term) {
			out = append(out, de.Term)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// misspell makes one random edit of w: drops, adds, changes or swaps a rune.
func misspell(r *rand.Rand, w string) string {
	rs := []rune(w)
	i := r.IntN(len(rs) + 1)
	c := rune('a' + r.IntN(26))
	switch r.IntN(4) {
	case 0:
		if i < len(rs) {
			return string(slices.Delete(rs, i, i+1))
		}
	case 1:
		if i < len(rs) {
			rs[i] = c
			return string(rs)
		}
	case 2:
		if i+1 < len(rs) {
			rs[i], rs[i+1] = rs[i+1], rs[i]
			return string(rs)
		}
	}
	return string(slices.Insert(rs, i, c))
}
