package webtest_test

import (
	"fmt"

	"github.com/mohallamart/mohalla/web/webtest"
)

// A browser test runs once per screen in Screens: a phone, on which it also
// checks that the page fits 360 px and can be used from the keyboard, and a
// laptop. Opening the page (Open) starts Chromium for the test's t, so it is
// not run here; the package doc shows a whole test.
func Example() {
	for _, screen := range webtest.Screens {
		fmt.Printf("%s %dx%d mobile=%v\n", screen.Name, screen.Width, screen.Height, screen.Mobile)
	}
	// Output:
	// phone 390x844 mobile=true
	// desktop 1280x900 mobile=false
}
