package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mohallamart/mohalla/search"
)

// The latency of a kind of query under load says how long its costliest
// queries wait and run, but not which queries those are, and it moves with
// the machine's other load. So each kind's queries are also run one at a
// time on a thread of their own, the same queries in every run (a fixed
// seed), and each one's CPU is read from that thread's clock: what the
// query itself costs, whatever else the machine does, and which queries make
// the tail, with how many products they matched.

// costSamples is how many queries of each kind are measured one by one.
const costSamples = 1000

// costliestShown is how many of each kind's costliest queries the report
// names.
const costliestShown = 3

// CostlyQuery is one query measured on its own: what it asked, how many
// products matched, and the CPU it took.
type CostlyQuery struct {
	Query string
	Found uint64
	CPU   time.Duration
}

// measureKindCost runs n queries of kind one after another on one locked
// thread and returns the CPU each took, sorted, and the costliest few. It
// returns nil costs where the thread's clock cannot be read.
func measureKindCost(ctx context.Context, ix *search.Index, m *searchMix, kind string, n int) ([]time.Duration, []CostlyQuery, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if threadCPU() == 0 {
		return nil, nil, nil
	}
	r := rand.New(rand.NewPCG(2026, 21))
	costs := make([]time.Duration, 0, n)
	var all []CostlyQuery
	for range n {
		_, q := m.nextOf(r, kind)
		start := threadCPU()
		res, err := ix.Products(ctx, q)
		cpu := threadCPU() - start
		if err != nil {
			return nil, nil, fmt.Errorf("%s query %+v: %w", kind, q, err)
		}
		costs = append(costs, cpu)
		all = append(all, CostlyQuery{Query: describeQuery(q), Found: res.Found, CPU: cpu})
	}
	slices.Sort(costs)
	slices.SortFunc(all, func(a, b CostlyQuery) int { return int(b.CPU - a.CPU) })
	return costs, all[:min(costliestShown, len(all))], nil
}

// describeQuery says what q asks, shortly.
func describeQuery(q search.ProductQuery) string {
	var b strings.Builder
	if q.Q != "" {
		fmt.Fprintf(&b, "%q", q.Q)
	}
	if q.Category != "" {
		fmt.Fprintf(&b, " category=%s", q.Category)
	}
	if q.MinPrice != nil || q.MaxPrice != nil {
		b.WriteString(" price range")
	}
	if q.InStock {
		b.WriteString(" in stock")
	}
	if len(q.Facets) > 0 {
		fmt.Fprintf(&b, " facets=%s", strings.Join(q.Facets, ","))
	}
	if q.Near != nil {
		fmt.Fprintf(&b, " within %gkm", q.RadiusKm)
	}
	if q.Sort != "" {
		fmt.Fprintf(&b, " sort=%s", q.Sort)
	}
	return strings.TrimSpace(b.String())
}
