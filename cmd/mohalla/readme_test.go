package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/internal/testlog"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

// step is one command of the README's "Run it" and what the README says it
// prints.
type step struct {
	cmd  string   // shell text; a quoted argument may span lines
	want []string // its "# " lines
}

// readmeAddr is the address the README's steps serve on and ask.
const readmeAddr = "localhost:8080"

// TestReadmeRunIt follows the README's "Run it" as a new user would, in a
// fresh directory: it builds the binary, serves, and runs every later step in
// one shell (so TOKEN carries over), as pasted into a second terminal. Each
// step must exit 0, print on stdout what its "# " lines show ("…" matching
// anything) and nothing on stderr. The server, on a free port instead of
// 8080, must log no error and stop cleanly on SIGINT. It runs on SQLite, as
// written, and on PostgreSQL through DATABASE_URL, as "On PostgreSQL" says.
func TestReadmeRunIt(t *testing.T) {
	steps := runItSteps(t, "../../README.md")
	if len(steps) < 5 || !strings.HasPrefix(steps[0].cmd, "go build ") {
		t.Fatalf("the README's Run it should start with go build and have serve, seed, token and curl steps; parsed %q", steps)
	}
	bin := filepath.Join(t.TempDir(), "mohalla")
	build := steps[0]
	if !strings.Contains(build.cmd, " -o mohalla ") {
		t.Fatalf("the README builds with %q; this test knows only -o mohalla", build.cmd)
	}
	out, err := shell(context.Background(), "../..", nil, strings.Replace(build.cmd, " -o mohalla ", " -o "+bin+" ", 1))
	if err != nil || len(out) > 0 || len(build.want) > 0 {
		t.Fatalf("%s: %v\n%s", build.cmd, err, out)
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dbURL := ""
			if kind == "postgres" {
				dbURL = storetest.PoolURL(storetest.NewDatabase(t))
			}
			followRunIt(t, bin, steps[1:], dbURL)
		})
	}
}

func followRunIt(t *testing.T, bin string, steps []step, dbURL string) {
	dir := t.TempDir()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mohalla"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "DATABASE_URL=" + dbURL}
	rewrite := func(s string) string {
		s = strings.ReplaceAll(s, readmeAddr, addr)
		if dbURL != "" {
			s = strings.ReplaceAll(s, "SQLite data/mohalla.db", "PostgreSQL "+dbURL)
		}
		return s
	}
	if steps[0].cmd != "./mohalla serve" {
		t.Fatalf("the README serves with %q; this test knows only ./mohalla serve", steps[0].cmd)
	}
	serve := startServe(t, dir, env, steps[0].cmd+" --addr "+addr)
	if got := serve.lines(t, len(steps[0].want)); !matches(rewrite(strings.Join(steps[0].want, "\n")), got) {
		t.Fatalf("%s printed\n%s\nthe README shows\n%s", steps[0].cmd, got, strings.Join(steps[0].want, "\n"))
	}

	// The second terminal: one shell, each step's output to its own files.
	rest := steps[1:]
	var script strings.Builder
	for i, s := range rest {
		fmt.Fprintf(&script, "{ %s\n} >out.%d 2>err.%d; echo $? >rc.%d\n", rewrite(s.cmd), i, i, i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := shell(ctx, dir, env, script.String()); err != nil {
		t.Fatalf("the steps' shell: %v\n%s", err, out)
	}
	for i, s := range rest {
		read := func(name string) string {
			b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s.%d", name, i)))
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimRight(string(b), "\n")
		}
		rc, stdout, stderr := read("rc"), read("out"), read("err")
		want := rewrite(strings.Join(s.want, "\n"))
		if rc != "0" || stderr != "" || !matches(want, stdout) {
			t.Errorf("%s\nexited %s and printed\n%s\non stderr:\n%s\nthe README shows\n%s", s.cmd, rc, stdout, stderr, want)
		}
	}
	// Point 2 of the first hour: a second process on the same --data is told
	// which process holds the index and what to do.
	pid := serve.cmd.Process.Pid
	out, err := shell(ctx, dir, env, "./mohalla reindex")
	for _, want := range []string{fmt.Sprintf("index data/search is in use by process %d\n", pid),
		fmt.Sprintf("Stop process %d first", pid)} {
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("./mohalla reindex beside the server: %v, printed\n%s\nwant %q", err, out, want)
		}
	}
	serve.stop(t)
}

// runItSteps parses the commands of the README's "Run it" section and the
// "# " lines below each.
func runItSteps(t *testing.T, path string) []step {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Run it\n")
	section, _, _ = strings.Cut(section, "\n## ")
	if !ok {
		t.Fatal("the README has no Run it section")
	}
	var (
		steps []step
		open  quoting
	)
	for line := range strings.Lines(section) {
		code, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "    ")
		switch {
		case !ok:
			continue // prose between the blocks
		case open.pending():
			steps[len(steps)-1].cmd += "\n" + code
		case strings.HasPrefix(code, "#"):
			if len(steps) == 0 {
				t.Fatalf("output %q before any command", code)
			}
			out := strings.TrimPrefix(strings.TrimPrefix(code, "#"), " ")
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, out)
			continue
		default:
			steps = append(steps, step{cmd: code})
		}
		open.scan(code + "\n")
	}
	if open.pending() {
		t.Fatalf("the last command's quote is never closed: %q", steps[len(steps)-1].cmd)
	}
	return steps
}

// quoting follows a shell's quotes across lines, so that a quoted argument
// spanning lines stays one command.
type quoting struct{ in byte }

func (q *quoting) pending() bool { return q.in != 0 }

func (q *quoting) scan(s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case q.in == 0 && (c == '\'' || c == '"'):
			q.in = c
		case q.in == 0 && c == '#' && (i == 0 || s[i-1] == ' '):
			return // a comment
		case q.in == '"' && c == '\\':
			i++
		case q.in != 0 && c == q.in:
			q.in = 0
		}
	}
}

// matches reports whether got is want, where "…" in want stands for any text.
func matches(want, got string) bool {
	parts := strings.Split(want, "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)\A` + strings.Join(parts, ".*") + `\z`).MatchString(got)
}

// shell runs script with bash in dir and returns what it printed.
func shell(ctx context.Context, dir string, env []string, script string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	return cmd.CombinedOutput()
}

// freeAddr is a loopback address no one listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is the README's serve step, running.
type server struct {
	cmd    *exec.Cmd
	stdout *bufio.Reader
	stderr testlog.Buffer
	done   chan error
}

func startServe(t *testing.T, dir string, env []string, command string) *server {
	t.Helper()
	s := &server{cmd: exec.Command("bash", "-c", "exec "+command), done: make(chan error, 1)}
	s.cmd.Dir, s.cmd.Env, s.cmd.Stderr = dir, env, &s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.stdout = bufio.NewReader(out)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = s.cmd.Process.Kill()
			<-exited
		}
	})
	go func() {
		err := s.cmd.Wait()
		close(exited)
		s.done <- err
	}()
	return s
}

// lines reads n lines of the server's stdout; its URL comes once it listens.
func (s *server) lines(t *testing.T, n int) string {
	t.Helper()
	var got []string
	for range n {
		line, err := s.stdout.ReadString('\n')
		if err != nil {
			t.Fatalf("serve printed %q, then %v; stderr:\n%s", got, err, s.stderr.String())
		}
		got = append(got, strings.TrimRight(line, "\n"))
	}
	return strings.Join(got, "\n")
}

// stop sends SIGINT, as Ctrl-C does, and checks that the server stopped
// cleanly, having logged no error.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve after Ctrl-C: %v; stderr:\n%s", err, s.stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("serve did not stop within a minute of Ctrl-C; stderr:\n%s", s.stderr.String())
	}
	if logs := s.stderr.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("serve logged an error:\n%s", logs)
	}
}

// The documents' relative links name files of the repository, so that a clone
// has what they point to.
func TestDocLinksStayInTheRepository(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for _, doc := range []string{"README.md", "docs/ARCHITECTURE.md"} {
		b, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path := filepath.Join(root, filepath.Dir(doc), filepath.FromSlash(target))
			if rel, err := filepath.Rel(root, path); err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links %s, outside the repository", doc, target)
			} else if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links %s: %v", doc, target, err)
			}
		}
	}
}
