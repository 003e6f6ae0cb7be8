package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
)

// shopper is one customer with a token, as the load sends orders for.
type shopper struct {
	person demo.Person
	token  string
}

// load drives POST /v1/orders at base from clients goroutines: each places
// orders one after another, for a random customer, of one or two products of one
// shop. Requests that start in the warm-up are sent but not measured.
//
// Each client is a lean HTTP/1.1 client on a keep-alive connection of its
// own (rawGetter), not net/http's: the load shares the machine's cores with
// the server, and net/http's client spent about a tenth of the process's CPU
// (issue 14), where pgbench, on the floor's side, is lean C.
type load struct {
	addr     string // host:port
	shoppers []shopper
	products []mohalla.Product
	byShop   map[string][]mohalla.Product
	run      string // makes order ids unique across runs
}

func newLoad(addr string, n *demo.Neighbourhood, shoppers []shopper) *load {
	l := &load{addr: addr, shoppers: shoppers, products: n.Products, byShop: map[string][]mohalla.Product{}}
	for _, p := range n.Products {
		l.byShop[p.ShopID] = append(l.byShop[p.ShopID], p)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	l.run = hex.EncodeToString(b)
	return l
}

// tally is what the clients saw.
type tally struct {
	latencies []time.Duration   // of the measured successes
	failed    map[string]int    // measured failures by status ("transport" when none came back)
	sample    map[string]string // a response body of each failure status
	accepted  int               // successes, warm-up included
	last      time.Time         // when the last response came back
}

// add adds o's counts and latencies to t's (unsorted).
func (t *tally) add(o *tally) {
	t.latencies = append(t.latencies, o.latencies...)
	t.accepted += o.accepted
	for k, n := range o.failed {
		t.failed[k] += n
	}
	for k, s := range o.sample {
		t.sample[k] = s
	}
}

// drive sends orders from clients goroutines until warm-up plus d have passed,
// and returns what was measured and how long the measured window really lasted
// (until the last response).
func (l *load) drive(ctx context.Context, clients int, warmup, d time.Duration) (*tally, time.Duration) {
	from := time.Now().Add(warmup)
	until := from.Add(d)
	tallies := make([]*tally, clients)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() { tallies[w] = l.shop(ctx, w, from, until) })
	}
	wg.Wait()
	all := &tally{failed: map[string]int{}, sample: map[string]string{}, last: until}
	for _, t := range tallies {
		all.add(t)
		if t.last.After(all.last) {
			all.last = t.last
		}
	}
	slices.Sort(all.latencies)
	return all, all.last.Sub(from)
}

// shop is client w: it places orders one after another until until,
// measuring those it starts after from.
func (l *load) shop(ctx context.Context, w int, from, until time.Time) *tally {
	t := &tally{failed: map[string]int{}, sample: map[string]string{}}
	r := mrand.New(mrand.NewPCG(uint64(w), 0x6f72646572))
	g := newRawGetter(l.addr)
	defer g.close()
	for seq := 0; ctx.Err() == nil; seq++ {
		t0 := time.Now()
		if !t0.Before(until) {
			break
		}
		status, body := l.order(g, r, fmt.Sprintf("bench-%s-%d-%d", l.run, w, seq))
		t.last = time.Now()
		ok := status == http.StatusCreated
		if ok {
			t.accepted++
		}
		switch {
		case t0.Before(from):
		case ok:
			t.latencies = append(t.latencies, t.last.Sub(t0))
		default:
			k := "transport"
			if status > 0 {
				k = strconv.Itoa(status)
			}
			t.failed[k]++
			if _, seen := t.sample[k]; !seen {
				t.sample[k] = body
			}
		}
	}
	return t
}

// order places one realistic order: one product, or two of the same shop, one
// to three of each, with the prices and total the app showed, delivered home.
// It returns the status (0 if no response came back) and, on failure, the body.
func (l *load) order(g *rawGetter, r *mrand.Rand, id string) (int, string) {
	s := l.shoppers[r.IntN(len(l.shoppers))]
	first := l.products[r.IntN(len(l.products))]
	picked := []mohalla.Product{first}
	if shelf := l.byShop[first.ShopID]; len(shelf) > 1 && r.IntN(2) == 0 {
		second := shelf[r.IntN(len(shelf))]
		for second.ID == first.ID {
			second = shelf[r.IntN(len(shelf))]
		}
		picked = append(picked, second)
	}
	in := market.CreateOrder{ID: id, UserID: s.person.ID, DeliveryAddress: s.person.Home}
	var total mohalla.Money
	for _, p := range picked {
		q := int64(1 + r.IntN(3))
		in.Items = append(in.Items, market.OrderLine{ProductID: p.ID, Quantity: q, Price: &p.Price})
		total += p.Price * mohalla.Money(q)
	}
	in.TotalAmount = &total
	body, err := json.Marshal(in)
	if err != nil {
		return 0, err.Error()
	}
	status, got, err := g.post("/v1/orders", s.token, body)
	if err != nil {
		return 0, err.Error()
	}
	if len(got) > 1024 {
		got = got[:1024]
	}
	return status, string(got)
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
