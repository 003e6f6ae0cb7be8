// Package browsertest runs a real browser for tests: Debian's Chromium,
// headless, driven through chromedp, and installed with apt the first time a
// test needs it on a fresh machine.
//
// A test opens a page, waits for what its script shows, and clicks:
//
//	func TestPage(t *testing.T) {
//		page := browsertest.New(t) // the browser ends with t
//		if err := chromedp.Do(page, chromedp.Navigate(srv.URL)); err != nil {
//			t.Fatal(err)
//		}
//		browsertest.WaitFor(t, page, "the list", `document.querySelectorAll("li").length > 0`)
//		browsertest.Click(t, page, `document.querySelector("li button")`)
//		browsertest.WaitFor(t, page, "the item chosen", `document.querySelector("li.chosen") !== null`)
//	}
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is where Debian's chromium package puts the browser.
const Path = "/usr/bin/chromium"

// installTimeout bounds apt-get update plus install: a fresh machine downloads
// some 100 MB of packages.
const installTimeout = 10 * time.Minute

// Chromium returns the path of Debian's Chromium, installing it first (apt-get
// install -y --no-install-recommends chromium, with apt-get update before it
// when the package lists lack it) if it is missing. The install needs root and
// is serialized across processes by a file lock, so test packages run in
// parallel never run apt at once; the second one finds the browser installed.
// Its error says what failed and how to install the browser by hand.
func Chromium() (string, error) {
	if executable(Path) {
		return Path, nil
	}
	unlock, err := lock(filepath.Join(os.TempDir(), "mohalla-chromium-install.lock"))
	if err != nil {
		return "", fmt.Errorf("browsertest: lock the chromium install: %w", err)
	}
	defer unlock()
	if executable(Path) { // another test process installed it while we waited
		return Path, nil
	}
	if err := install(); err != nil {
		return "", fmt.Errorf("browsertest: %s is missing and could not be installed "+
			"(as root: apt-get update && apt-get install -y --no-install-recommends chromium): %w", Path, err)
	}
	if !executable(Path) {
		return "", fmt.Errorf("browsertest: apt-get installed chromium, but %s is still missing", Path)
	}
	return Path, nil
}

func install() error {
	if os.Geteuid() != 0 {
		return errors.New("installing needs root, and this process is not")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("apt-get not found: this is not a Debian-based machine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	out, err := apt(ctx, "install", "-y", "--no-install-recommends", "chromium")
	if err == nil {
		return nil
	}
	// A fresh machine often has no package lists, or lists older than the
	// archive's current chromium: update them and try once more.
	if upd, uerr := apt(ctx, "update"); uerr != nil {
		return fmt.Errorf("apt-get install: %v\n%s\napt-get update: %v\n%s", err, tail(out), uerr, tail(upd))
	}
	if out, err = apt(ctx, "install", "-y", "--no-install-recommends", "chromium"); err != nil {
		return fmt.Errorf("apt-get install after apt-get update: %v\n%s", err, tail(out))
	}
	return nil
}

// apt runs apt-get without questions, waiting for a dpkg lock that another
// program (an unattended upgrade, a developer's shell) holds.
func apt(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "apt-get", append([]string{"-q", "-o", "DPkg::Lock::Timeout=300"}, args...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	return cmd.CombinedOutput()
}

// tail returns the last lines of apt's output, where its error is.
func tail(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// lock takes an exclusive flock on path, waiting for its holder; the lock goes
// with the process, so a killed test leaves none behind.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Options are the flags the browser starts with: headless, and nothing that
// reaches for the network by itself, which this project's machines do not
// have (no background downloads, component updates, sync or QUIC). chromedp
// adds --user-data-dir with a fresh temporary directory for each browser,
// which it removes when the browser has exited.
func Options(path string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // as root, Chromium refuses to start with its sandbox
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
}

// startTimeout bounds the start of the browser, which chromedp does not.
const startTimeout = time.Minute

// New starts a headless Chromium for t and returns the chromedp context of its
// first tab; the browser ends with t. It installs Chromium if needed (see
// Chromium) and fails t, never skips it, when the browser cannot be installed
// or started: a skipped browser test would hide that the page went untested.
// What the page writes to its console is logged to t, and an uncaught
// exception fails t.
func New(t testing.TB) context.Context {
	t.Helper()
	if !executable(Path) {
		t.Logf("browsertest: %s is missing; installing it with apt-get (once per machine)", Path)
	}
	path, err := Chromium()
	if err != nil {
		t.Fatal(err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), Options(path)...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf), chromedp.WithErrorf(t.Logf))
	var console sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		cancelAlloc()  // waits for the browser to exit and its profile to go
		console.Wait() // nothing logs to t after it ended
	})
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }() // the first run starts the browser
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		cancel()
		err = fmt.Errorf("no answer after %v", startTimeout)
	}
	if err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	messages := chromedp.Console(ctx)
	console.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				t.Errorf("browser: uncaught %s at %s:%d", m.Text, m.URL, m.Line+1)
				continue
			}
			if m.URL != "" {
				t.Logf("browser console %s: %s (%s)", m.Type, m.Text, m.URL)
			} else {
				t.Logf("browser console %s: %s", m.Type, m.Text)
			}
		}
	})
	return ctx
}

// WaitFor polls page every 50ms until the script expr is true, and fails t
// with expr and the page's text if it is not within 15s.
func WaitFor(t testing.TB, page context.Context, what, expr string) {
	t.Helper()
	if _, err := Poll[bool](page, expr); err != nil {
		text, _ := chromedp.Run(page, chromedp.Evaluate[string](`document.body.innerText.slice(0, 3000)`))
		t.Fatalf("waiting for %s: %v\n(%s)\nthe page:\n%s", what, err, expr, text)
	}
}

// pollInterval and pollTimeout pace Poll.
const (
	pollInterval = 50 * time.Millisecond
	pollTimeout  = 15 * time.Second
)

// Poll evaluates the script expr in page every 50ms until it is truthy and
// returns its value, or an error if it is not within 15s or the script
// throws.
//
// It evaluates in the document the tab shows at each try. chromedp.Poll
// instead names the execution context chromedp last recorded, and chromedp
// records a navigation's new context on a goroutine that runs behind the one
// that sees the page load: on a busy machine a Poll just after Navigate names
// the old page's context and fails with "Cannot find context with specified
// id".
func Poll[T any](page context.Context, expr string) (T, error) {
	type answer struct {
		OK    bool            `json:"ok"`
		Value json.RawMessage `json:"value"`
	}
	script := "(() => { const value = (" + expr + "); return value ? {ok: true, value} : {ok: false}; })()"
	deadline := time.Now().Add(pollTimeout)
	var v T
	for {
		a, err := chromedp.Run(page, chromedp.Evaluate[answer](script))
		switch {
		case err != nil:
			return v, err
		case a.OK:
			return v, decodePolled(a.Value, &v)
		case time.Now().After(deadline):
			return v, fmt.Errorf("still false after %v", pollTimeout)
		}
		select {
		case <-page.Done():
			return v, page.Err()
		case <-time.After(pollInterval):
		}
	}
}

// decodePolled stores the JSON value raw in v as chromedp.Evaluate does: as
// it is into a []byte (json.RawMessage too), decoded into anything else.
func decodePolled[T any](raw json.RawMessage, v *T) error {
	if b, ok := any(v).(*[]byte); ok {
		*b = raw
		return nil
	}
	if b, ok := any(v).(*json.RawMessage); ok {
		*b = raw
		return nil
	}
	return json.Unmarshal(raw, v)
}

// Click clicks the element the script expr evaluates to, from the page's own
// script, so that a page redrawing its contents meanwhile cannot move it from
// under a pointer.
func Click(t testing.TB, page context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(page, chromedp.Evaluate[bool]("("+expr+").click(), true")); err != nil {
		t.Fatalf("click %s: %v", expr, err)
	}
}
