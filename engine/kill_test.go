package engine_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// nodes counts the engine nodes with a heartbeat row.
func nodes(t *testing.T, st *store.Store) int {
	t.Helper()
	n, err := st.Read().EngineNodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(n)
}

// The kill test runs engine nodes as child processes of the test binary; these
// variables tell a child what to do.
const (
	workerEnv = "MOHALLA_ENGINE_TEST_WORKER" // the marks file
	urlEnv    = "MOHALLA_ENGINE_TEST_URL"
	dirEnv    = "MOHALLA_ENGINE_TEST_DIR"
	hangEnv   = "MOHALLA_ENGINE_TEST_HANG"
	fnEnv     = "MOHALLA_ENGINE_TEST_FN" // "batchy" for batchy, else crashy
)

// crashConfig is fastConfig with River's rescue age at its default: a run
// whose worker died resumes within seconds only by the nodes' heartbeats.
func crashConfig() *engine.Config { return fastConfig() }

// crashy has three steps, each appending a mark to a file when it executes; in a
// child started with hangEnv, the third step hangs until the process is killed.
func crashy(marks string, hang bool) *engine.Function {
	mark := func(s string) {
		f, err := os.OpenFile(marks, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		fmt.Fprintln(f, s)
	}
	step := func(ctx context.Context, in engine.Input, id string, body func()) error {
		_, err := engine.Run(ctx, in.Step, id, func(context.Context) (bool, error) { body(); return true, nil })
		return err
	}
	return engine.NewFunction(engine.FunctionOpts{ID: "crashy", Timeout: 30 * time.Second}, engine.OnEvent("test/crash"),
		func(ctx context.Context, in engine.Input) (any, error) {
			if err := step(ctx, in, "one", func() { mark("one") }); err != nil {
				return nil, err
			}
			if err := step(ctx, in, "two", func() { mark("two") }); err != nil {
				return nil, err
			}
			err := step(ctx, in, "three", func() {
				mark("three")
				if hang {
					select {} // killed here
				}
			})
			return "done", err
		})
}

// workerMain is a child node: it runs crashy until it is killed or stopped.
func workerMain() int {
	st, err := store.Open(context.Background(), store.Config{URL: os.Getenv(urlEnv), DataDir: os.Getenv(dirEnv), MaxConns: storetest.MaxConns})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	eng, err := engine.New(context.Background(), st, crashConfig())
	if err == nil {
		fn := crashy(os.Getenv(workerEnv), os.Getenv(hangEnv) != "")
		if os.Getenv(fnEnv) == "batchy" {
			fn = batchy(os.Getenv(workerEnv), os.Getenv(hangEnv) != "")
		}
		err = eng.Register(fn)
	}
	if err == nil {
		err = eng.Start(context.Background())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = eng.Stop(ctx)
	return 0
}

// TestKilledWorkerResumesFromLastStep kills a worker process with SIGKILL in the
// middle of a run; another process resumes the run after the last finished
// step, so the finished steps are not executed again. It resumes because the
// live node finds the dead one's heartbeat too old, well before River's own
// rescue age (2 minutes), which the test does not wait for; the time from the
// kill to the resumed step is logged.
func TestKilledWorkerResumesFromLastStep(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			marks := filepath.Join(t.TempDir(), "marks")
			child := func(hang bool) *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), workerEnv+"="+marks, urlEnv+"="+cfg.URL, dirEnv+"="+cfg.DataDir)
				if hang {
					cmd.Env = append(cmd.Env, hangEnv+"=1")
				}
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}
			read := func() string { b, _ := os.ReadFile(marks); return string(b) }

			// The test's own node only queues runs: it registers crashy but never starts.
			st := storetest.OpenConfig(t, cfg)
			queuer, err := engine.New(ctx, st, crashConfig())
			if err != nil {
				t.Fatal(err)
			}
			if err := queuer.Register(crashy(marks, false)); err != nil {
				t.Fatal(err)
			}
			n := &node{st: st, eng: queuer, svc: marketFor(st, queuer)}

			first := child(true)
			n.send(t, "c1", "test/crash", map[string]string{})
			eventually(t, 20*time.Second, func() bool { return strings.Contains(read(), "three") },
				func() string { return read() })
			second := child(false)
			defer func() { _ = second.Process.Signal(syscall.SIGTERM); _ = second.Wait() }()
			// The second node is up (its heartbeat row written) before the kill,
			// as a cluster's other nodes are.
			eventually(t, 30*time.Second, func() bool { return nodes(t, st) == 2 }, func() string { return read() })
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed := time.Now()
			_ = first.Wait()
			eventually(t, 60*time.Second, func() bool { return strings.Count(read(), "three") == 2 },
				func() string { return describe(n.runs(t, "crashy")) + read() })
			t.Logf("%s: the run resumed at its third step %s after the SIGKILL", kind, time.Since(killed).Round(10*time.Millisecond))
			var runs []enginetype.RunRow
			eventually(t, 30*time.Second, func() bool {
				runs = n.runs(t, "crashy")
				return len(runs) == 1 && runs[0].Status == enginetype.RunCompleted
			}, func() string { return describe(runs) + read() })
			if got, want := read(), "one\ntwo\nthree\nthree\n"; got != want {
				t.Errorf("steps executed:\n%s\nwant one and two once, three twice (it never finished in the killed process):\n%s", got, want)
			}
		})
	}
}
