// Command mohalla runs the MohallaMart data layer: it serves the API, migrates
// and seeds the store, signs tokens and measures throughput. Run
// "mohalla help" for the subcommands; package cli holds them.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/mohallamart/mohalla/cli"
)

func main() {
	tuneGC()
	os.Exit(cli.New(nil).Run(context.Background(), os.Args[1:]))
}

// tuneGC collects garbage less often than Go's default unless GOGC or
// GOMEMLIMIT say otherwise. A node's heap is small (the search index is
// memory-mapped, the cache bounded) while its requests allocate briskly: at
// GOGC=100 the collector took a fifth of a search's CPU. GOGC=400 with a soft
// limit of 2 GiB, past which it collects as often as it must, trades a few
// megabytes for that CPU.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(2 << 30)
	}
}
