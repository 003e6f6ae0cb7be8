package store

import (
	"context"
	"testing"
	"time"
)

// TestLatestHorizonWaitsForNoRead: LatestHorizon returns the latest read of
// the horizon at once while the read its caller needs is still running, and
// that read is started by the call (a later call gets it), but none is queued
// behind a running one; only a store with no read yet waits for one. The reads are the store's horizons, with a
// query that returns when the test lets it.
func TestLatestHorizonWaitsForNoRead(t *testing.T) {
	release := make(chan int64)
	hs := &horizons{query: func(ctx context.Context) (Horizon, error) {
		select {
		case tx := <-release:
			return Horizon{Tx: tx}, nil
		case <-ctx.Done():
			return Horizon{}, ctx.Err()
		}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	first := make(chan Horizon)
	go func() {
		h, err := hs.latest(ctx, hs.mark())
		if err != nil {
			t.Error(err)
		}
		first <- h
	}()
	release <- 100 // no read yet: the first call waits for one
	if h := <-first; h.Tx != 100 || h.n != 1 {
		t.Fatalf("first call: %+v, want the first read (Tx 100)", h)
	}

	need := hs.mark() // a commit's: the reads from now on show it
	h, err := hs.latest(ctx, need)
	if err != nil || h.Tx != 100 {
		t.Fatalf("while the read after the commit runs: %+v, %v; want the latest read (Tx 100) at once", h, err)
	}
	// The read the call started is the one the commit needs.
	release <- 200
	deadline := time.Now().Add(5 * time.Second)
	for {
		h, err = hs.latest(ctx, need)
		if err != nil {
			t.Fatal(err)
		}
		if h.Tx == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read started for the commit never became the latest: %+v", h)
		}
		time.Sleep(time.Millisecond)
	}
	if h.n < need.n {
		t.Fatalf("read %d taken for a need of read %d or later", h.n, need.n)
	}
	// A call while a read runs queues none after it.
	running := make(chan Horizon, 1)
	go func() {
		h, _ := hs.read(ctx, hs.mark())
		running <- h
	}()
	for { // until that read runs
		hs.mu.Lock()
		r := hs.running
		hs.mu.Unlock()
		if r != nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := hs.latest(ctx, hs.mark()); err != nil {
		t.Fatal(err)
	}
	hs.mu.Lock()
	queued := hs.next != nil
	hs.mu.Unlock()
	if queued {
		t.Fatal("LatestHorizon queued a read behind the one running")
	}
	release <- 250
	if h := <-running; h.Tx != 250 {
		t.Fatalf("the running read: %+v", h)
	}
	// ReadHorizon still waits for a read after its mark.
	got := make(chan Horizon, 1)
	go func() {
		h, _ := hs.read(ctx, hs.mark())
		got <- h
	}()
	select {
	case h := <-got:
		t.Fatalf("ReadHorizon returned %+v before the read after its call ended", h)
	case <-time.After(50 * time.Millisecond):
	}
	release <- 300
	if h := <-got; h.Tx != 300 {
		t.Fatalf("ReadHorizon: %+v, want the read after its call (Tx 300)", h)
	}
}
