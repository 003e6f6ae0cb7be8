package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/search"
)

// searchKinds are the kinds of query the search bench mixes in equal parts.
var searchKinds = []string{"typo", "prefix", "filtered", "faceted", "geo", "sorted"}

// searchMix makes queries like a shopper's from the neighbourhood's own names:
// a name's words of five letters or more, or for a name of short words, those
// of three or more that are not numbers or stop words such as "of".
// It keeps only what it needs, so that the bench's heap does not weigh on the
// searches it measures.
type searchMix struct {
	articles []searchArticle
	shops    []mohalla.Location
}

type searchArticle struct {
	words    []string // of the name, longest first
	first    string   // the name's first word
	category string
	price    mohalla.Money
}

// stopWords are words of names that nobody searches for alone.
var stopWords = map[string]bool{"of": true, "and": true, "the": true, "with": true, "for": true, "in": true}

func newSearchMix(n *demo.Neighbourhood) *searchMix {
	m := &searchMix{articles: make([]searchArticle, len(n.Products)), shops: make([]mohalla.Location, len(n.Shops))}
	for i, p := range n.Products {
		ws := strings.FieldsFunc(p.Name, func(r rune) bool { return r == ' ' || r == '(' || r == ')' || r == ',' })
		a := searchArticle{first: ws[0], category: p.Category, price: p.Price}
		for _, w := range ws {
			if len(w) >= 5 {
				a.words = append(a.words, w)
			}
		}
		if len(a.words) == 0 { // a name of short words: any a shopper would type
			for _, w := range ws {
				if len(w) >= 3 && !stopWords[strings.ToLower(w)] && strings.IndexFunc(w, unicode.IsDigit) < 0 {
					a.words = append(a.words, w)
				}
			}
		}
		if len(a.words) == 0 {
			a.words = ws[:1]
		}
		m.articles[i] = a
	}
	for i, sh := range n.Shops {
		m.shops[i] = sh.Location
	}
	return m
}

// nextOf returns a query of kind: a word with a typo; the start of a
// word, after the name's first word; a word in its category, within 30% of
// its price, in stock; a word with category and shop counts; or within 2 to 5
// km of a point near a shop, nearest first, with a word half the time; or a
// word or a category, cheapest, dearest or newest first.
func (m *searchMix) nextOf(r *rand.Rand, kind string) (string, search.ProductQuery) {
	a := m.articles[r.IntN(len(m.articles))]
	w := a.words[r.IntN(len(a.words))]
	var q search.ProductQuery
	switch kind {
	case "typo":
		q.Q = typo(r, w)
	case "prefix":
		q.Q = w[:min(len(w), 3+r.IntN(2))]
		if a.first != w {
			q.Q = a.first + " " + q.Q
		}
	case "filtered":
		lo, hi := a.price*7/10, a.price*13/10
		q.Q, q.Category, q.MinPrice, q.MaxPrice, q.InStock = w, a.category, &lo, &hi, true
	case "faceted":
		q.Q, q.Facets = w, []string{search.FacetCategory, search.FacetShopID}
	case "geo":
		sh := m.shops[r.IntN(len(m.shops))]
		q.Near = &mohalla.Location{Lat: sh.Lat + (r.Float64()-0.5)*0.02, Lng: sh.Lng + (r.Float64()-0.5)*0.02}
		q.RadiusKm, q.Sort = float64(2+r.IntN(4)), search.SortDistance
		if r.IntN(2) == 0 {
			q.Q = w
		}
	case "sorted":
		q.Sort = []search.Sort{search.SortPriceAsc, search.SortPriceDesc, search.SortNewest}[r.IntN(3)]
		if r.IntN(2) == 0 {
			q.Q = w
		} else {
			q.Category = a.category
		}
	}
	return kind, q
}

// typo makes one random edit inside a word of five letters or more: drops,
// swaps or changes a letter.
func typo(r *rand.Rand, w string) string {
	b := []byte(strings.ToLower(w))
	if len(b) < 5 {
		return string(b)
	}
	i := 1 + r.IntN(len(b)-2)
	switch r.IntN(3) {
	case 0:
		return string(append(b[:i:i], b[i+1:]...))
	case 1:
		b[i], b[i+1] = b[i+1], b[i]
	default:
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

type searchLatencies struct {
	elapsed time.Duration
	byKind  map[string][]time.Duration
}

// driveSearch runs queries from clients goroutines for d. A query's latency
// runs from when it is sent: the client yields first, and the query waits its
// turn for a CPU as a request would. Without that, a goroutine would run query
// after query until the scheduler preempts it 10ms later while the others wait,
// a delay no networked client sees.
func driveSearch(ctx context.Context, ix *search.Index, m *searchMix, clients int, d time.Duration) (searchLatencies, error) {
	return driveKind(ctx, ix, m, "", clients, d)
}

// driveKind is driveSearch with queries of one kind only, or of every kind
// if kind is "".
func driveKind(ctx context.Context, ix *search.Index, m *searchMix, only string, clients int, d time.Duration) (searchLatencies, error) {
	out := searchLatencies{byKind: map[string][]time.Duration{}}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	labels := map[string]pprof.LabelSet{}
	for _, k := range searchKinds {
		labels[k] = pprof.Labels("kind", k)
	}
	start := time.Now()
	deadline := start.Add(d)
	for i := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 42))
			local := map[string][]time.Duration{}
			for time.Now().Before(deadline) && ctx.Err() == nil {
				kind := only
				if kind == "" {
					kind = searchKinds[r.IntN(len(searchKinds))]
				}
				kind, q := m.nextOf(r, kind)
				t := time.Now()
				runtime.Gosched()
				var err error
				// Labelled, so that a CPU profile splits by kind (pprof -tagfocus kind=geo).
				pprof.Do(ctx, labels[kind], func(ctx context.Context) { _, err = ix.Products(ctx, q) })
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("%s query %+v: %w", kind, q, err))
					mu.Unlock()
					return
				}
				local[kind] = append(local[kind], time.Since(t))
			}
			mu.Lock()
			for k, v := range local {
				out.byKind[k] = append(out.byKind[k], v...)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	return out, cmpErr(firstErr, ctx.Err())
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// computeFloor runs a fixed computation that takes work on this machine from
// clients goroutines for d, the way driveSearch runs queries, and returns its
// latency p50 and p99: what the machine adds to any work of that size.
func computeFloor(clients int, d, work time.Duration) (time.Duration, time.Duration) {
	var sink atomic.Uint64
	spin := func(n int) {
		x := uint64(1)
		for i := range n {
			x = x*6364136223846793005 + uint64(i)
		}
		sink.Add(x)
	}
	n, best := 1<<20, time.Hour
	for range 20 {
		t := time.Now()
		spin(n)
		best = min(best, time.Since(t))
	}
	n = int(float64(n) * float64(work) / float64(max(best, 1)))
	var (
		mu  sync.Mutex
		all []time.Duration
		wg  sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	for range clients {
		wg.Go(func() {
			var local []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				runtime.Gosched()
				spin(n)
				local = append(local, time.Since(t))
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(all)
	return percentile(all, 50), percentile(all, 99)
}

// processCPU is the CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
