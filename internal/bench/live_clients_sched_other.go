//go:build !linux

package bench

// yieldToNodes is a no-op where SCHED_BATCH does not exist.
func yieldToNodes() {}
