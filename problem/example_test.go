package problem_test

import (
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/problem"
)

// Every handler writes its error through one Writer: the error's code
// becomes the HTTP status, the body an RFC 9457 problem; an internal error
// says nothing of its cause to the caller.
func ExampleWriter() {
	var pw problem.Writer
	for _, err := range []error{
		fmt.Errorf("get shop: %w", mohalla.Errorf(mohalla.ENOTFOUND, "no shop %s", "s9")),
		errors.New("disk on fire"),
	} {
		w := httptest.NewRecorder()
		status := pw.Write(w, httptest.NewRequest("GET", "/v1/shops/s9", nil), err)
		fmt.Println(status, w.Header().Get("Content-Type"))
		fmt.Println(w.Body.String())
	}
	// Output:
	// 404 application/problem+json
	// {"code":"not_found","detail":"no shop s9","status":404,"title":"Not Found","type":"about:blank"}
	// 500 application/problem+json
	// {"code":"internal","detail":"internal error","status":500,"title":"Internal Server Error","type":"about:blank"}
}
