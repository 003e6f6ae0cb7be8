package bench_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/mohallamart/mohalla/internal/bench"
)

// yieldingThreads is the argument that makes this test binary call
// bench.YieldToNodes, start more threads, and print how many of its threads
// are in SCHED_BATCH.
const yieldingThreads = "bench-yielding-threads"

func init() { helpers[yieldingThreads] = yieldedThreads }

// yieldedThreads runs in the process started with yieldingThreads.
func yieldedThreads() string {
	bench.YieldToNodes()
	var started, hold sync.WaitGroup
	hold.Add(1)
	for range 4 { // threads started after the call, each by a goroutine locked to a new one
		started.Add(1)
		go func() {
			runtime.LockOSThread()
			started.Done()
			hold.Wait()
		}()
	}
	started.Wait()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err.Error()
	}
	batch := 0
	for _, task := range tasks {
		var tid int
		fmt.Sscan(task.Name(), &tid)
		if a, err := unix.SchedGetAttr(tid, 0); err == nil && a.Policy == unix.SCHED_BATCH {
			batch++
		}
	}
	hold.Done()
	return fmt.Sprintf("%d of %d threads in SCHED_BATCH", batch, len(tasks))
}

// A client process puts every thread it has, and every one it starts
// after, in SCHED_BATCH, so that its wake-ups do not preempt the nodes.
func TestClientsYieldToNodes(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), os.Args[0], yieldingThreads).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var batch, all int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%d of %d threads in SCHED_BATCH", &batch, &all); err != nil {
		t.Fatalf("the process printed %q: %v", out, err)
	}
	if all < 5 || batch != all {
		t.Errorf("%d of %d threads in SCHED_BATCH; want all, and at least the 4 started after", batch, all)
	}
}
