package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/store"
)

// TestLevelClassesSplitOrIntersected checks that relevance searches taken
// class by class return, page after page, what ranking every match returns,
// whether a class's matches come from its combination split by norm (as
// searches of few matches do) or intersected with the products of its norm
// (as those of many do): each way is forced in turn.
func TestLevelClassesSplitOrIntersected(t *testing.T) {
	t.Parallel()
	ctx := store.AsProjection(context.Background(), "test")
	st, dir, _, n := seededStore(ctx, t, &demo.Config{Users: 30, Shops: 10, Products: 2000})
	ix := openCaughtUp(t, st, dir+"/search")
	cats := []string{demo.Fruits, demo.Vegetables, demo.Dairy, demo.Bakery, demo.Staples, demo.Snacks, demo.Beverages, demo.Household}
	for _, split := range []int{1 << 30, -1, 40} { // always, never, a combination of 40 matches or fewer
		r := rand.New(rand.NewPCG(3, 3)) // the same queries each way
		ix.splitMax = split
		for i := range 150 {
			q := randomQuery(r, cats, n.Shops)
			q.Q, q.Sort = randomWords(r, n.Products[r.IntN(len(n.Products))].Name), SortRelevance
			t.Run(fmt.Sprint(split, "/", i), func(t *testing.T) { compareWalks(t, ix, q) })
		}
	}
}
