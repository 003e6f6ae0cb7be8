package market_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// TestConcurrentBuyersNeverOversell races 200 buyers for 50 units: exactly 50
// are sold, each failure is an insufficient-stock conflict, and the events agree.
func TestConcurrentBuyersNeverOversell(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("s1")
		f.product("s1", "mangoes", 30000, 50)
		f.product("s1", "plenty", 100, 1_000_000)
		const buyers = 200
		callers := make([]mohalla.Caller, buyers)
		for i := range callers {
			callers[i] = f.user(fmt.Sprintf("b%03d", i))
		}
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			sold      int
			conflicts int
			other     []error
		)
		for i, c := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Two lines, so a failed reservation of the scarce item must also undo
				// the other line's.
				_, err := f.svc.CreateOrder(ctx, c, market.CreateOrder{ID: fmt.Sprintf("o%03d", i), UserID: c.ID,
					Items:           []market.OrderLine{{ProductID: "plenty", Quantity: 1}, {ProductID: "mangoes", Quantity: 1}},
					DeliveryAddress: address()})
				mu.Lock()
				defer mu.Unlock()
				switch mohalla.ErrorCode(err) {
				case "":
					sold++
				case mohalla.ECONFLICT:
					conflicts++
				default:
					other = append(other, err)
				}
			}()
		}
		wg.Wait()
		for _, err := range other {
			t.Errorf("unexpected error: %v", err)
		}
		if sold != 50 || conflicts != buyers-50 {
			t.Fatalf("sold %d, conflicts %d; want 50 and %d", sold, conflicts, buyers-50)
		}
		if got := f.stock("mangoes"); got != 0 {
			t.Errorf("mangoes left = %d, want 0", got)
		}
		if got := f.stock("plenty"); got != 1_000_000-50 {
			t.Errorf("plenty left = %d, want %d (failed orders must not keep their other line)", got, 1_000_000-50)
		}
		if n := len(f.events(mohalla.EventOrderCreated)); n != 50 {
			t.Errorf("order/created events = %d, want 50", n)
		}
		if n := len(f.events(mohalla.EventOutOfStock)); n != 1 {
			t.Errorf("out-of-stock events = %d, want exactly 1", n)
		}
		if n := len(f.events(mohalla.EventLowStock)); n != 1 {
			t.Errorf("low-stock events = %d, want exactly 1", n)
		}
	})
}
