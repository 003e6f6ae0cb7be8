package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// drillLoad places orders through the HTTP API of the drill's nodes at a steady
// pace, as shoppers behind a load balancer would: each order goes to the next
// node in turn and, when that node fails or cannot be reached, to the one after
// it with the same id, until one acknowledges it. So every order the load
// makes is acknowledged in the end, and the store must hold each exactly once.
type drillLoad struct {
	nodes     []*serveProc
	customers []drillCustomer
	products  []string
	client    *http.Client
	pace      time.Duration

	mu      sync.Mutex
	ordered map[string]map[string]int64 // order id -> product id -> quantity
	acks    [][]time.Time               // per node, when it acknowledged an order
	retries int                         // requests that failed and went to another node
	wrong   []string                    // answers no fault explains (4xx)

	stop chan struct{}
	done sync.WaitGroup
}

type drillCustomer struct{ id, token string }

// run starts workers placing orders until Stop.
func (l *drillLoad) run(ctx context.Context, workers int) {
	l.ordered, l.acks, l.stop = map[string]map[string]int64{}, make([][]time.Time, len(l.nodes)), make(chan struct{})
	for w := range workers {
		l.done.Add(1)
		go func() {
			defer l.done.Done()
			l.worker(ctx, w)
		}()
	}
}

// Stop lets every worker finish the order it is placing, retried until it is
// acknowledged or ctx ends, and returns when they have.
func (l *drillLoad) Stop() {
	close(l.stop)
	l.done.Wait()
}

func (l *drillLoad) worker(ctx context.Context, w int) {
	for n := 0; ; n++ {
		select {
		case <-l.stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		c := l.customers[(w+n)%len(l.customers)]
		items := map[string]int64{l.products[(w*7+n)%len(l.products)]: int64(1 + n%3)}
		if n%4 == 0 {
			items[l.products[(w*7+n+1)%len(l.products)]] = 1
		}
		id := fmt.Sprintf("drill-%d-%d", w, n)
		l.mu.Lock()
		l.ordered[id] = items
		l.mu.Unlock()
		var lines []map[string]any
		for p, q := range items {
			lines = append(lines, map[string]any{"productId": p, "quantity": q})
		}
		body, _ := json.Marshal(map[string]any{"id": id, "userId": c.id, "items": lines, "deliveryAddress": map[string]string{
			"street": "Flat 302, Sai Darshan CHS, Hill Road", "city": "Mumbai", "pincode": "400050", "state": "Maharashtra"}})
		for try := 0; ; try++ {
			node := (w + n + try) % len(l.nodes)
			code, msg := l.post(ctx, node, c.token, body)
			if code == http.StatusCreated {
				l.mu.Lock()
				l.acks[node] = append(l.acks[node], time.Now())
				l.mu.Unlock()
				break
			}
			l.mu.Lock()
			if code >= 400 && code < 500 {
				l.wrong = append(l.wrong, fmt.Sprintf("order %s on node %d: %d %s", id, node, code, msg))
				l.mu.Unlock()
				break
			}
			l.retries++
			l.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		// A read through the cache, so the cache holds entries the sync
		// check can compare with the store.
		l.get(ctx, (w+n+1)%len(l.nodes), "/v1/products/"+l.products[n%len(l.products)])
		select {
		case <-time.After(l.pace):
		case <-l.stop:
			return
		}
	}
}

// post sends an order to a node; code 0 is a request that got no answer.
func (l *drillLoad) post(ctx context.Context, node int, token string, body []byte) (int, string) {
	req, _ := http.NewRequestWithContext(ctx, "POST", l.nodes[node].URL()+"/v1/orders", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
	return resp.StatusCode, string(b)
}

func (l *drillLoad) get(ctx context.Context, node int, path string) {
	req, _ := http.NewRequestWithContext(ctx, "GET", l.nodes[node].URL()+path, nil)
	if resp, err := l.client.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// servedAfter waits until node acknowledges an order placed after t and returns
// how long after t that was; it fails the test past deadline.
func (l *drillLoad) servedAfter(t *testing.T, node int, after time.Time, deadline time.Duration) time.Duration {
	t.Helper()
	give := time.Now().Add(deadline)
	for {
		l.mu.Lock()
		acks := l.acks[node]
		for i := len(acks) - 1; i >= 0 && acks[i].After(after); i-- {
			if i == 0 || !acks[i-1].After(after) {
				l.mu.Unlock()
				return acks[i].Sub(after)
			}
		}
		l.mu.Unlock()
		if time.Now().After(give) {
			t.Fatalf("node %d acknowledged no order within %v after %v; its log:\n%s", node, deadline, after.Format(time.TimeOnly), l.nodes[node].Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// acked counts the orders node acknowledged between from and to.
func (l *drillLoad) acked(node int, from, to time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, a := range l.acks[node] {
		if a.After(from) && a.Before(to) {
			n++
		}
	}
	return n
}
