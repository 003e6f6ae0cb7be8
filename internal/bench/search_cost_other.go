//go:build !linux

package bench

import "time"

// threadCPU is 0 where the thread's CPU clock is not read: the search bench
// then skips measuring queries one by one.
func threadCPU() time.Duration { return 0 }
