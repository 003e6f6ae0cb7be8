package live

import (
	"slices"
	"testing"

	"github.com/mohallamart/mohalla"
)

// TestOverflowQueuesNothingAfter: once a change is dropped, no later one is
// queued, even after the stream drained its queue: the stream's last id,
// that of the last change it wrote, must not cover the dropped one.
func TestOverflowQueuesNothingAfter(t *testing.T) {
	c := newClient(&Hub{cfg: Config{Buffer: 2}})
	f := func(tx int64) frame { return frame{pos: mohalla.Position{Tx: tx}} }
	txs := func(fs []frame) []int64 {
		var out []int64
		for _, f := range fs {
			out = append(out, f.pos.Tx)
		}
		return out
	}
	if !c.offer(f(1)) || c.offer(f(2)) {
		t.Fatal("the first change queued asks for no delivery, or the second asks for one")
	}
	got, over := c.take(nil)
	if !slices.Equal(txs(got), []int64{1, 2}) || over {
		t.Fatalf("took %v, overflowed %v; want [1 2], false", txs(got), over)
	}
	c.offer(f(3))
	c.offer(f(4))
	if !c.offer(f(5)) { // dropped: two wait
		t.Fatal("the first change dropped asks for no delivery")
	}
	got, over = c.take(got)
	if !slices.Equal(txs(got), []int64{3, 4}) || !over {
		t.Fatalf("took %v, overflowed %v; want [3 4], true", txs(got), over)
	}
	if c.offer(f(6)) {
		t.Fatal("a change dropped after the first asks for a delivery")
	}
	if got, over = c.take(got); len(got) != 0 || !over {
		t.Fatalf("after the overflow took %v, overflowed %v; want nothing, true", txs(got), over)
	}
	if n := c.h.stats.Overflowed.Load(); n != 1 {
		t.Fatalf("%d overflows counted, want 1", n)
	}
}
