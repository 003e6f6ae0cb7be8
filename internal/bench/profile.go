package bench

import (
	"fmt"
	"io"
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
