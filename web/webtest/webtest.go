// Package webtest is what the browser tests of package web share: the two
// screens every page is tried on, a page opened on one of them that leaves a
// screenshot in the test's artifact directory when its test fails, and the
// accessibility check, axe-core from npm (pinned by package-lock.json here,
// installed with npm ci the first time a test needs it).
package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/browsertest"
)

// Screen is a browser window's size.
type Screen struct {
	Name          string
	Width, Height int64
	Mobile        bool
}

// Screens are the sizes every page is tested at: a phone and a laptop.
var Screens = []Screen{
	{Name: "phone", Width: 390, Height: 844, Mobile: true},
	{Name: "desktop", Width: 1280, Height: 900},
}

// Open starts a headless Chromium for t (browsertest.New) with a window of
// screen's size. When t fails, the page as it then was is written to
// t.ArtifactDir() as <screen>.png (kept with go test -artifacts).
func Open(t *testing.T, screen Screen) context.Context {
	t.Helper()
	page := browsertest.New(t)
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if screen.Mobile {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(page, chromedp.EmulateViewport(screen.Width, screen.Height, opts...)); err != nil {
		t.Fatalf("webtest: a %s screen: %v", screen.Name, err)
	}
	t.Cleanup(func() { // before the browser's own cleanup: it runs first
		if !t.Failed() {
			return
		}
		path := filepath.Join(t.ArtifactDir(), screen.Name+".png")
		if err := Shot(page, path, true); err != nil {
			t.Logf("webtest: no screenshot of the failure: %v", err)
			return
		}
		t.Logf("webtest: the page when the test failed: %s", path)
	})
	return page
}

// Shot writes a PNG of page to path: the whole page when full, else the window.
func Shot(page context.Context, path string, full bool) error {
	action := chromedp.CaptureScreenshot()
	if full {
		action = chromedp.FullScreenshot(100)
	}
	ctx, cancel := context.WithTimeout(page, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, action)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// violation is one rule axe found broken, with where.
type violation struct {
	ID, Impact, Help string
	Nodes            []string
}

// CheckAccessibility runs axe-core on page as it is and fails t for every
// serious or critical violation, naming the rule and the elements; what is
// the state of the page, for the message.
func CheckAccessibility(t *testing.T, page context.Context, what string) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("webtest: axe-core: %v", err)
	}
	// DevTools' evaluation is not bound by the page's Content-Security-Policy.
	if _, err := chromedp.Run(page, chromedp.Evaluate[any](`window.axe ? undefined : (0, eval)(`+jsString(src)+`)`)); err != nil {
		t.Fatalf("webtest: inject axe-core: %v", err)
	}
	out, err := chromedp.Run(page, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then((r) =>
		JSON.stringify(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("webtest: run axe-core: %v", err)
	}
	var vs []violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("webtest: axe-core's answer %q: %v", out, err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("accessibility of %s: %s (%s, %s) at %s", what, v.Help, v.ID, v.Impact, strings.Join(v.Nodes, ", "))
		} else {
			t.Logf("accessibility of %s, minor: %s (%s, %s) at %s", what, v.Help, v.ID, v.Impact, strings.Join(v.Nodes, ", "))
		}
	}
}

func jsString(b []byte) string {
	s, _ := json.Marshal(string(b))
	return string(s)
}

var axe struct {
	once sync.Once
	src  []byte
	err  error
}

// axeSource returns axe-core's script, installing the package from its
// lockfile with npm ci when it is missing. Test processes run at once take
// turns by a file lock, so npm never runs twice in the directory at once.
func axeSource() ([]byte, error) {
	axe.once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		dir := filepath.Dir(file)
		path := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
		if axe.src, axe.err = os.ReadFile(path); axe.err == nil {
			return
		}
		f, err := os.OpenFile(filepath.Join(os.TempDir(), "mohalla-webtest-npm.lock"), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			axe.err = err
			return
		}
		defer f.Close()
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			axe.err = err
			return
		}
		defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		if axe.src, axe.err = os.ReadFile(path); axe.err == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			axe.err = fmt.Errorf("npm ci in %s (node and npm are needed): %v\n%s", dir, err, out)
			return
		}
		axe.src, axe.err = os.ReadFile(path)
	})
	return axe.src, axe.err
}
