package ratelimit_test

import (
	"context"
	"fmt"

	"github.com/mohallamart/mohalla/ratelimit"
)

// An in-process limiter gives each key its own budget: the fourth request
// within the minute of a "3/1m" limit is refused, and another key still has
// its whole budget.
func ExampleLimiter() {
	lim := ratelimit.NewLimiter()
	defer lim.Close()
	l, err := ratelimit.ParseLimit("orders", "3/1m")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for range 4 {
		d := lim.Allow(ctx, "user:u1", l)
		fmt.Println(d.Allowed, d.Remaining)
	}
	fmt.Println(lim.Allow(ctx, "user:u2", l).Allowed)
	// Output:
	// true 2
	// true 1
	// true 0
	// false 0
	// true
}
