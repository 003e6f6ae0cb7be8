// Command mohalla runs the MohallaMart data layer: it serves the API, migrates
// and seeds the store, signs tokens and measures throughput. Run
// "mohalla help" for the subcommands; package cli holds them.
package main

import (
	"context"
	"os"

	"github.com/mohallamart/mohalla/cli"
)

func main() {
	os.Exit(cli.New(nil).Run(context.Background(), os.Args[1:]))
}
