package enginetest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetest"
)

// remind charges an order, gives the customer an hour, then waits a day for
// the payment: the function the examples test.
var remind = engine.NewFunction(engine.FunctionOpts{ID: "remind"}, engine.OnEvent("order/created"),
	func(ctx context.Context, in engine.Input) (any, error) {
		total, err := engine.Run(ctx, in.Step, "charge", func(ctx context.Context) (int, error) {
			return 0, errors.New("the payment service is not reachable from tests")
		})
		if err != nil {
			return nil, err
		}
		in.Step.Sleep(ctx, "grace", time.Hour)
		paid, err := engine.WaitForEvent(ctx, in.Step, "paid", engine.WaitOpts{Event: "order/paid", Match: "data.orderId", Timeout: 24 * time.Hour})
		if err != nil {
			return nil, err
		}
		if paid == nil {
			return "reminded", nil
		}
		return fmt.Sprintf("paid %d", total), nil
	})

// A run executed attempt by attempt: the charge is stubbed, the clock moved
// past the sleep, and the awaited payment sent.
func Example() {
	t := &exampleT{} // in a test, the test's *testing.T
	defer t.cleanup()

	k := enginetest.New(t, remind)
	k.Stub("charge", 450)
	run := k.Trigger("remind", "order/created", map[string]string{"orderId": "o1"})
	fmt.Println(run.Next())
	k.Advance(time.Hour)
	fmt.Println(run.Next())
	k.Send("order/paid", map[string]string{"orderId": "o1"})
	fmt.Println(run.Next())
	var out string
	run.Output(&out)
	fmt.Println(out)
	fmt.Println(run.Steps())
	// Output:
	// sleeping
	// waiting
	// completed
	// paid 450
	// [charge=completed grace=completed paid=completed]
}

// A wait whose timeout passes on the fake clock ends with no event.
func Example_waitTimeout() {
	t := &exampleT{}
	defer t.cleanup()

	k := enginetest.New(t, remind)
	k.Stub("charge", 450)
	run := k.Trigger("remind", "order/created", map[string]string{"orderId": "o1"})
	run.Next()
	k.Advance(time.Hour)
	run.Next()
	k.Send("order/paid", map[string]string{"orderId": "another order"})
	k.Advance(24 * time.Hour)
	fmt.Println(run.Next())
	var out string
	run.Output(&out)
	fmt.Println(out)
	// Output:
	// completed
	// reminded
}

// A step that fails makes the attempt fail; the next attempt is its retry,
// which executes the step again.
func Example_retry() {
	t := &exampleT{}
	defer t.cleanup()

	k := enginetest.New(t, remind)
	k.StubError("charge", errors.New("card declined"))
	run := k.Trigger("remind", "order/created", map[string]string{"orderId": "o1"})
	fmt.Println(run.Next(), run.Error())
	k.Stub("charge", 450)
	fmt.Println(run.Next(), run.Steps())
	// Output:
	// queued step charge: card declined
	// sleeping [charge=completed grace=sleeping]
}

// exampleT stands in for a test's *testing.T in the examples.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A function that invokes another: the test executes the invoked run itself,
// then the caller's next attempt finds its result.
func Example_invoke() {
	t := &exampleT{}
	defer t.cleanup()

	price := engine.NewFunction(engine.FunctionOpts{ID: "price"}, engine.OnEvent("price/requested"),
		func(ctx context.Context, in engine.Input) (any, error) { return 3 * len(in.Event.Data), nil })
	order := engine.NewFunction(engine.FunctionOpts{ID: "order"}, engine.OnEvent("order/created"),
		func(ctx context.Context, in engine.Input) (any, error) {
			return engine.Invoke[int](ctx, in.Step, "price", engine.InvokeOpts{Function: price, Payload: "abc"})
		})
	k := enginetest.New(t, order, price)
	run := k.Trigger("order", "order/created", nil)
	fmt.Println(run.Next())
	fmt.Println(k.Runs("price")[0].Next())
	fmt.Println(run.Next())
	var total int
	run.Output(&total)
	fmt.Println(total, run.Steps())
	// Output:
	// waiting
	// completed
	// completed
	// 15 [price=completed price/result=completed]
}

// A run executed one step at a time.
func ExampleRun_NextStep() {
	t := &exampleT{}
	defer t.cleanup()

	k := enginetest.New(t, remind)
	k.Stub("charge", 450)
	run := k.Trigger("remind", "order/created", map[string]string{"orderId": "o1"})
	fmt.Println(run.NextStep(), run.Status())
	fmt.Println(run.NextStep(), run.Status())
	k.Advance(time.Hour)
	fmt.Println(run.NextStep(), run.Status())
	// Output:
	// charge queued
	// grace sleeping
	// grace waiting
}
