package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Concurrent calls are answered each with its own result, in fewer batches
// than calls when they arrive together, and never more than one batch at once.
func TestBatcherAnswersEachCall(t *testing.T) {
	var batches, inFlight, most atomic.Int64
	b := &batcher[int, string]{do: func(_ context.Context, ins []int) ([]string, []error, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		batches.Add(1)
		time.Sleep(2 * time.Millisecond) // a round trip
		outs, errs := make([]string, len(ins)), make([]error, len(ins))
		for i, in := range ins {
			if in%10 == 0 {
				errs[i] = fmt.Errorf("no %d", in)
			} else {
				outs[i] = fmt.Sprint("v", in)
			}
		}
		return outs, errs, nil
	}}
	const calls = 500
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			out, err := b.call(context.Background(), i)
			switch {
			case i%10 == 0 && (err == nil || err.Error() != fmt.Sprint("no ", i)):
				t.Errorf("call %d: %q, %v; want its own error", i, out, err)
			case i%10 != 0 && (err != nil || out != fmt.Sprint("v", i)):
				t.Errorf("call %d: %q, %v; want v%d", i, out, err, i)
			}
		})
	}
	wg.Wait()
	if n := batches.Load(); n >= calls/2 {
		t.Errorf("%d calls made %d batches; want them gathered", calls, n)
	}
	if m := most.Load(); m > batchesInFlight {
		t.Errorf("%d batches ran at once; want at most %d", m, batchesInFlight)
	}
}

// A batch's own error answers every call in it; a call whose context ends
// stops waiting.
func TestBatcherErrorsAndCancel(t *testing.T) {
	boom := errors.New("connection lost")
	b := &batcher[int, int]{do: func(context.Context, []int) ([]int, []error, error) { return nil, nil, boom }}
	if _, err := b.call(context.Background(), 1); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the batch's", err)
	}
	release := make(chan struct{})
	slow := &batcher[int, int]{do: func(_ context.Context, ins []int) ([]int, []error, error) {
		<-release
		return make([]int, len(ins)), make([]error, len(ins)), nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := slow.call(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's", err)
	}
	close(release)
	if _, err := slow.call(context.Background(), 2); err != nil {
		t.Fatalf("after the slow batch: %v", err)
	}
}
