package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/web/webtest"
)

// openAt opens address in a browser with screen's size (webtest.Open: a
// screenshot in the test's artifact directory if it fails).
func openAt(t *testing.T, screen webtest.Screen, address string) context.Context {
	t.Helper()
	page := webtest.Open(t, screen)
	if err := chromedp.Do(page, chromedp.Navigate(address)); err != nil {
		t.Fatal(err)
	}
	return page
}

// fitsWidth is a check that the page does not scroll sideways: everything
// wraps within the screen.
const fitsWidth = `document.documentElement.scrollWidth <= window.innerWidth`
