package analytics

import (
	"context"
	"fmt"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
)

// Count counts ev as a run of the function fnID would, without an engine, so a
// test can count events in an order of its choosing.
func (a *Analytics) Count(ctx context.Context, fnID string, ev mohalla.Event) (Counted, error) {
	for _, f := range a.counters() {
		if f.id == fnID {
			out, err := a.count(f.id, f.count, f.once)(ctx, engine.Input{Event: ev, Events: []mohalla.Event{ev}, RunID: "test", Attempt: 1})
			c, _ := out.(Counted)
			return c, err
		}
	}
	return Counted{}, fmt.Errorf("no function %q", fnID)
}
