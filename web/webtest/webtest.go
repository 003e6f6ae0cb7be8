// Package webtest is what the browser tests of package web share: the two
// screens every page is tried on, a page opened on one of them that leaves a
// screenshot in the test's artifact directory when its test fails, and the
// accessibility check, axe-core from npm (pinned by package-lock.json here,
// installed with npm ci the first time a test needs it).
//
// A page's test, on each screen:
//
//	for _, screen := range webtest.Screens {
//		t.Run(screen.Name, func(t *testing.T) {
//			page := webtest.Open(t, screen) // a screenshot kept if t fails
//			if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/storefront/")); err != nil {
//				t.Fatal(err)
//			}
//			browsertest.WaitFor(t, page, "the products", `document.querySelectorAll("#results .group").length > 0`)
//			webtest.CheckAccessibility(t, page, "the storefront as it opens")
//			if screen.Mobile {
//				webtest.CheckNarrow(t, page, screen)
//				webtest.CheckKeyboard(t, page, 40, `document.querySelector("#results .offer .add")`)
//			}
//		})
//	}
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
	if err := chromedp.Do(page, screen.emulate(screen.Width)); err != nil {
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

// emulate sizes the window as screen's, width wide.
func (screen Screen) emulate(width int64) chromedp.Action[chromedp.Void] {
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if screen.Mobile {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	return chromedp.EmulateViewport(width, screen.Height, opts...)
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

// CheckKeyboard presses Tab up to presses times and fails t unless the focus
// moves through controls, each shown with a visible focus ring, and reaches
// the element the script target evaluates to.
func CheckKeyboard(t *testing.T, page context.Context, presses int, target string) {
	t.Helper()
	if _, err := chromedp.Run(page, chromedp.Evaluate[bool](`document.activeElement.blur(), window.scrollTo(0, 0), true`)); err != nil {
		t.Fatal(err)
	}
	for i := range presses {
		if err := chromedp.Do(page, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(page, chromedp.Evaluate[[]string](`(() => { const el = document.activeElement, s = getComputedStyle(el);
			return [el.tagName + (el.id ? "#" + el.id : "") + " " + (el.textContent || el.value || "").trim().slice(0, 30),
				String(el !== document.body && s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2),
				String(el === (`+target+`))]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if got[1] != "true" {
			t.Fatalf("Tab %d: the focus is on %s with no visible focus ring", i+1, got[0])
		}
		if got[2] == "true" {
			return
		}
	}
	t.Fatalf("%d presses of Tab did not reach %s", presses, target)
}

// CheckNarrow fails t if the page, laid out 360 px wide (the narrowest
// phones), is wider than the screen; it leaves the window at screen's size.
func CheckNarrow(t *testing.T, page context.Context, screen Screen) {
	t.Helper()
	if err := chromedp.Do(page, screen.emulate(360)); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(page, chromedp.Evaluate[string](`new Promise((r) => requestAnimationFrame(() => r(
		document.documentElement.scrollWidth > 360 ? [...document.querySelectorAll("body *")].filter((el) =>
			el.getBoundingClientRect().right > 361 && getComputedStyle(el).position !== "absolute" &&
			!el.closest(".chips")).slice(0, 3).map((el) => el.tagName + "." + el.className).join(", ") || "?" : "")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if wide != "" {
		t.Errorf("360 px wide, the page scrolls sideways: %s stick out", wide)
	}
	if err := chromedp.Do(page, screen.emulate(screen.Width)); err != nil {
		t.Fatal(err)
	}
}
