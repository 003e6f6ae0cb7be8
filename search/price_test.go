package search

import (
	"math/rand/v2"
	"testing"

	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/mohallamart/mohalla"
)

// TestSplitRangeCoversExactly checks the price trie against brute force: a
// price is in [lo, hi] exactly when one of its terms falls in one of the term
// ranges splitRange makes.
func TestSplitRangeCoversExactly(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	values := []int64{0, 1, 255, 256, 257, 65535, 65536, 4950, 10_000, 99_999_999, 1 << 40, 100_000_000_000_000}
	for range 200 {
		values = append(values, r.Int64N(1_000_000))
	}
	bounds := [][2]int64{{0, 0}, {0, 1 << 62}, {4950, 4950}, {100, 255}, {256, 511}, {1, 65536}, {5000, 20000}}
	for range 300 {
		a, b := r.Int64N(1_200_000), r.Int64N(1_200_000)
		bounds = append(bounds, [2]int64{min(a, b), max(a, b)})
	}
	for _, bd := range bounds {
		ranges := splitRange(bd[0], bd[1])
		for _, v := range values {
			want := v >= bd[0] && v <= bd[1]
			got := false
			for _, tok := range (priceAnalyzer{}).Analyze(priceField(mohalla.Money(v)).Value()) {
				for _, rg := range ranges {
					if string(tok.Term) >= string(rg[0]) && string(tok.Term) <= string(rg[1]) {
						got = true
					}
				}
			}
			if got != want {
				t.Fatalf("price %d in [%d, %d]: matched %v, want %v", v, bd[0], bd[1], got, want)
			}
		}
	}
	if _, err := numeric.PrefixCoded(splitRange(0, 10)[0][0]).Int64(); err != nil {
		t.Fatalf("terms are not prefix-coded numbers: %v", err)
	}
}
