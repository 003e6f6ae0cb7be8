package bench

import (
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
)

// profiled runs fn and returns its error, with a CPU profile of it written to
// w; with a nil w it only runs fn.
func profiled(w io.Writer, fn func() error) error {
	if w == nil {
		return fn()
	}
	if err := pprof.StartCPUProfile(w); err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer pprof.StopCPUProfile()
	return fn()
}

// writeAllocs writes the process's allocation profile to w, if not nil: the
// allocations since the process started, as of a collection now.
func writeAllocs(w io.Writer) error {
	if w == nil {
		return nil
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(w, 0); err != nil {
		return fmt.Errorf("allocation profile: %w", err)
	}
	return nil
}
