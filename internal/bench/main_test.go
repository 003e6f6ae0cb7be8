package bench_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/mohallamart/mohalla/internal/bench"
)

// liveClients is the argument that makes this test binary a client process of
// bench live, as "mohalla bench live-clients" is for the mohalla binary.
const liveClients = "bench-live-clients"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && helpers[os.Args[1]] != nil {
		fmt.Println(helpers[os.Args[1]]())
		os.Exit(0)
	}
	if len(os.Args) > 1 && os.Args[1] == liveClients {
		if err := bench.RunLiveClients(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helpers are the other processes this test binary can be, by the argument
// that starts them; each prints what it returns.
var helpers = map[string]func() string{}

// clientCommand starts a client process of bench live from this test binary.
func clientCommand() []string { return []string{os.Args[0], liveClients} }
