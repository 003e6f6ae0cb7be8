package bench

import (
	"os"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// yieldToNodes puts every thread of this client process in SCHED_BATCH, so
// that a client woken by a change does not preempt the nodes or the server
// on the cores they share. The clients stand in for browsers on other
// machines, which take no CPU from the server; batch scheduling only delays
// their own reads, which adds to what they measure, never takes from it.
// Threads started later inherit the policy from the one that starts them;
// the threads are listed again until a listing finds no new one. It is best
// effort: where the kernel refuses, the clients run as before.
func yieldToNodes() {
	var done []int
	for {
		tids, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return
		}
		found := false
		for _, e := range tids {
			tid, err := strconv.Atoi(e.Name())
			if err != nil || slices.Contains(done, tid) {
				continue
			}
			found = true
			done = append(done, tid)
			_ = unix.SchedSetAttr(tid, &unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_BATCH}, 0)
		}
		if !found {
			return
		}
	}
}
