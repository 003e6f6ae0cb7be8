package web_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/browsertest"
)

// viewport is a screen a page is tried on.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

// viewports are a phone's screen and a desk's.
var viewports = []viewport{{"phone", 390, 844, true}, {"desk", 1280, 900, false}}

// openAt starts a browser with vp's screen at address. If t fails, a
// screenshot of the whole page goes to t's artifact directory (kept with
// go test -artifacts -outputdir DIR) as <name>.png.
func openAt(t *testing.T, vp viewport, address string) context.Context {
	t.Helper()
	page := browsertest.New(t)
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(page, chromedp.EmulateViewport(vp.width, vp.height, opts...), chromedp.Navigate(address)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // before the browser's own cleanup ends it
		if !t.Failed() {
			return
		}
		png, err := chromedp.Run(page, chromedp.FullScreenshot(100))
		if err != nil {
			t.Logf("no screenshot: %v", err)
			return
		}
		path := filepath.Join(t.ArtifactDir(), vp.name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Logf("no screenshot: %v", err)
			return
		}
		t.Logf("screenshot of the page: %s", path)
	})
	return page
}

// fitsWidth is a check that the page does not scroll sideways: everything
// wraps within the screen.
const fitsWidth = `document.documentElement.scrollWidth <= window.innerWidth`
