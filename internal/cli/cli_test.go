package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/internal/cli"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

// run runs the command with args and an empty environment, and returns its exit
// code and what it printed.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	c := cli.New(&cli.Config{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }})
	code = c.Run(context.Background(), args)
	return code, out.String(), errs.String()
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // on stderr
	}{
		{nil, "Commands:"},
		{[]string{"frob"}, `unknown command "frob"`},
		{[]string{"serve", "--port", "1"}, "flag provided but not defined: -port"},
		{[]string{"migrate", "extra"}, `unexpected argument "extra"`},
		{[]string{"seed"}, "seed needs --demo"},
		{[]string{"seed", "--demo", "--log-format", "xml"}, "--log-format must be text or json"},
		{[]string{"token", "--role", "customer"}, "token needs --sub"},
		{[]string{"token", "--sub", "u1", "--role", "king"}, `--role must be customer, shop_owner, admin or service, not "king"`},
		{[]string{"replay", "--from", "2026-11-26T00:00:00Z"}, "replay needs --function"},
		{[]string{"replay", "--function", "send-welcome-email", "--from", "yesterday"}, "--from must be an RFC 3339 time"},
		{[]string{"serve", "--limit-read", "lots"}, "want QUOTA/WINDOW"},
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/8,proxy"}, `"proxy" is not an IP address or CIDR`},
		{[]string{"serve", "--cors-origins", "http://localhost:3000,*"}, `--cors-origins: "*" is not an origin`},
		{[]string{"bench"}, "bench needs what to measure: orders"},
		{[]string{"bench", "orders"}, "bench orders needs PostgreSQL"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("mohalla %s: exit %d, stderr:\n%s\nwant exit 2 and %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}

func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"serve", "-h"}, {"bench", "-h"}} {
		code, _, stderr := run(t, args...)
		if code != 0 || !strings.Contains(stderr, "Usage") {
			t.Errorf("mohalla %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, stderr)
		}
	}
}

func TestTokenIsSignedWithTheDataDirSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, stderr := run(t, "token", "--sub", "u1", "--role", "shop_owner", "--email", "u1@example.in",
		"--ttl", "1h", "--data", dir)
	if code != 0 {
		t.Fatalf("token: exit %d: %s", code, stderr)
	}
	secret, err := os.ReadFile(filepath.Join(dir, "jwt-secret"))
	if err != nil {
		t.Fatalf("the secret was not kept in the data directory: %v", err)
	}
	signer, err := auth.NewSigner(bytes.TrimSpace(secret))
	if err != nil {
		t.Fatal(err)
	}
	c, err := signer.Verify(strings.TrimSpace(stdout))
	if err != nil {
		t.Fatalf("verify %q: %v", stdout, err)
	}
	if want := (mohalla.Caller{ID: "u1", Role: mohalla.RoleShopOwner, Email: "u1@example.in"}); c != want {
		t.Errorf("token carries %+v, want %+v", c, want)
	}
}

func TestMigrateSeedReconcileAndReplay(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir, db := t.TempDir(), ""
			if kind == "postgres" {
				db = storetest.PoolURL(storetest.NewDatabase(t))
			}
			code, stdout, stderr := run(t, "migrate", "--data", dir, "--db", db)
			if code != 0 || !strings.Contains(stdout, "schema up to date") {
				t.Fatalf("migrate: exit %d\n%s%s", code, stdout, stderr)
			}
			// The second seed finds everything there and says so; a larger
			// scale writes only the new products. Each names whom to try it as.
			for _, tc := range []struct{ scale, want string }{
				{"60", ": wrote 300 users, 20 shops and 60 products in "},
				{"60", ": wrote nothing in "},
				{"70", ": wrote 0 users, 0 shops and 10 products in "},
			} {
				code, stdout, stderr = run(t, "seed", "--demo", "--scale", tc.scale, "--data", dir, "--db", db, "--log-format", "json", "--debug")
				if code != 0 || !strings.Contains(stdout, tc.want) {
					t.Fatalf("seed --scale %s: exit %d, want %q\n%s%s", tc.scale, code, tc.want, stdout, stderr)
				}
				for _, want := range []string{
					"a customer    ", "(demo-user-0021)\n", "TOKEN=$(mohalla token --data " + dir + " --sub demo-user-0021 --role customer)\n",
					"a shop owner  ", "(demo-user-0001), who owns ", "(demo-shop-01)\n", "--sub demo-user-0001 --role shop_owner)\n",
					"an admin      ", "--sub admin --role admin)\n",
				} {
					if !strings.Contains(stdout, want) {
						t.Errorf("seed --scale %s does not print %q:\n%s", tc.scale, want, stdout)
					}
				}
			}
			if want := "; 300 users, 20 shops and 60 products were there already\n"; !strings.Contains(stdout, want) {
				t.Errorf("the last seed does not say %q:\n%s", want, stdout)
			}
			for line := range strings.Lines(stderr) {
				var rec struct{ Msg string }
				if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Msg == "" {
					t.Errorf("--log-format json logged %q", line)
				}
			}
			// A check of the seeded store builds the index and finds no drift.
			code, stdout, stderr = run(t, "reconcile", "--data", dir, "--db", db)
			if code != 0 || !strings.Contains(stdout, ": no drift") || !strings.Contains(stdout, "0 documents reindexed") {
				t.Errorf("reconcile: exit %d\n%s%s", code, stdout, stderr)
			}
			// A rebuild of it reports progress as plain lines, not a bar
			// redrawn in place, when stderr is not a terminal.
			code, stdout, stderr = run(t, "reindex", "--data", dir, "--db", db)
			if code != 0 || !strings.Contains(stdout, "search index ") || strings.Contains(stderr, "\r") ||
				strings.Count(stderr, "reindex: [##############################] 90/90 documents, ") != 1 {
				t.Errorf("reindex: exit %d\n%s%q", code, stdout, stderr)
			}
			// Replaying the welcome emails queues a run per user; none failed.
			from := time.Now().Add(-time.Hour).Format(time.RFC3339)
			for status, want := range map[string]string{"": ": 300 runs queued", "failed": ": 0 runs queued"} {
				code, stdout, stderr = run(t, "replay", "--function", "send-welcome-email", "--from", from, "--status", status,
					"--data", dir, "--db", db)
				if code != 0 || !strings.Contains(stdout, want) {
					t.Errorf("replay --status %q: exit %d, want %q\n%s%s", status, code, want, stdout, stderr)
				}
			}
			st, err := store.Open(context.Background(), store.Config{URL: db, DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ps, err := market.New(st, nil).ListProducts(context.Background(), market.ProductQuery{PageRequest: market.PageRequest{Limit: 500}})
			if err != nil || len(ps.Items) != 70 {
				t.Errorf("the store lists %d products (%v), want 70", len(ps.Items), err)
			}
		})
	}
}

func TestServeAnswersAndStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errs bytes.Buffer
	c := cli.New(&cli.Config{Stdout: outW, Stderr: &errs, Getenv: func(string) string { return "" }})
	done := make(chan int, 1)
	data := t.TempDir()
	go func() {
		done <- c.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data})
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no URL: %v; stderr:\n%s", err, errs.String())
	}
	go io.Copy(io.Discard, outR) //nolint:errcheck
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[3], "http://127.0.0.1:") {
		t.Fatalf("serve printed %q, want its URL", line)
	}
	base := fields[3]
	for _, path := range []string{"/healthz", "/readyz", "/v1/shops"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", path, resp.Status)
		}
	}
	// A local reconcile beside the running server cannot open its search
	// index: it says so and fails (it panicked once), and the server goes on.
	if code, _, stderr := run(t, "reconcile", "--data", data); code == 0 || !strings.Contains(stderr, "in use by this process") ||
		!strings.Contains(stderr, "mohalla reconcile --url") {
		t.Errorf("reconcile beside the server: exit %d, stderr %q; want a failure naming the index in use and --url", code, stderr)
	}
	// A seed writes beside it, and the server's index follows the writes.
	if code, _, stderr := run(t, "seed", "--demo", "--scale", "5", "--data", data); code != 0 {
		t.Fatalf("seed beside the server: exit %d, stderr %q", code, stderr)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var res struct{ Found int }
		resp, err := http.Get(base + "/v1/search/products")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
		}
		if err == nil && res.Found == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server's search found %d products of the 5 seeded beside it (err %v)", res.Found, err)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after cancel; stderr:\n%s", code, errs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15s of its context ending")
	}
}

// TestServeChecksItsConfig: serve refuses a malformed URL (a usage error) or a
// database that does not answer, before it starts, with a message that names
// the flag and never the password; an optional service that does not answer
// is a warning, and the node serves.
func TestServeChecksItsConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--db", "mysql://u:pw@localhost/x"}, 2, "--db must be a postgres://"},
		{[]string{"--db", "postgres://u:secretpw@127.0.0.1:1/x?sslmode=disable"}, 1, "--db: the database at 127.0.0.1:1 does not answer"},
		{[]string{"--redis", "http://127.0.0.1:6379"}, 2, "--redis must be a redis://"},
		{[]string{"--smtp", "mail.example.com:25"}, 2, "--smtp and --mail-from"},
	} {
		code, _, stderr := run(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "secretpw") {
			t.Errorf("serve %v: exit %d, stderr %q; want exit %d and %q, without the password", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// The command list of "mohalla help" is a column: every summary starts where
// the others do, and bench's names every measurement.
func TestHelpListsCommandsInAColumn(t *testing.T) {
	t.Parallel()
	_, _, stderr := run(t, "help")
	_, list, ok := strings.Cut(stderr, "Commands:\n\n")
	list, _, _ = strings.Cut(list, "\n\n")
	if !ok || list == "" {
		t.Fatalf("help lists no commands:\n%s", stderr)
	}
	column := -1
	for line := range strings.Lines(list) {
		name, rest, _ := strings.Cut(strings.TrimPrefix(line, "\t"), " ")
		at := len(name) + 1 + len(rest) - len(strings.TrimLeft(rest, " "))
		if column == -1 {
			column = at
		}
		if at != column {
			t.Errorf("%q: its summary starts at column %d, the first command's at %d", strings.TrimSpace(line), at, column)
		}
		if name == "bench" {
			for _, m := range []string{"orders", "functions", "search", "live", "reads"} {
				if !strings.Contains(rest, m) {
					t.Errorf("bench's summary %q does not name %s", strings.TrimSpace(rest), m)
				}
			}
		}
	}
}
