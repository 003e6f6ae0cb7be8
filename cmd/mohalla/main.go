// Command mohalla runs the MohallaMart data layer: it serves the API, migrates
// and seeds the store, signs tokens and measures throughput. Run
// "mohalla help" for the subcommands; package cli holds them.
package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/mohallamart/mohalla/internal/cli"
)

func main() {
	tuneGC()
	os.Exit(cli.New(&cli.Config{Name: invocation()}).Run(context.Background(), os.Args[1:]))
}

// invocation is how the user ran this command, for the commands it prints for
// them to run next: as they typed it ("./mohalla", "mohalla"), or "go run
// ./cmd/mohalla" for a binary go run built in its temporary directory.
func invocation() string {
	name := os.Args[0]
	if strings.Contains(filepath.ToSlash(name), "/go-build") {
		return "go run ./cmd/mohalla"
	}
	return name
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
