package bench

import (
	"fmt"
	"os"
	"runtime/debug"
	"syscall"
)

// fdHeadroom is the descriptors a process needs besides its streams: its
// store pool, listeners, files and the runtime's own.
const fdHeadroom = 256

// checkOpenFiles raises this process's soft limit of open files to its hard
// limit (Go does so at start since 1.19; this says so when it cannot) and
// fails, naming what to set, if need descriptors do not fit under it.
func checkOpenFiles(need int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil // not a system that tells
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	if uint64(need) > lim.Cur {
		return fmt.Errorf("%d open files needed but the limit is %d (hard %d): raise it (ulimit -n, or LimitNOFILE= in a systemd unit)",
			need, lim.Cur, lim.Max)
	}
	return nil
}

// procUsage is this process's open descriptors and resident memory, read
// from /proc/self; zero where there is none.
type procUsage struct {
	fds int
	rss int64 // bytes
	lim uint64
}

func readProcUsage() procUsage {
	debug.FreeOSMemory() // a GC that also returns freed memory, for a steadier RSS
	var u procUsage
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		u.fds = len(ents)
	}
	u.rss = residentBytes()
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil {
		u.lim = lim.Cur
	}
	return u
}

// perConnection fills r's per-stream costs from the usage before and after
// clients streams were opened.
func (r *LiveReport) perConnection(before, after procUsage, clients int) {
	if before.fds == 0 || after.fds == 0 {
		return
	}
	r.FDsPerConn = float64(after.fds-before.fds) / float64(clients)
	r.RSSPerConn = float64(after.rss-before.rss) / float64(clients)
	r.OpenFiles = after.fds
	r.FDSoftLimit = after.lim
}
