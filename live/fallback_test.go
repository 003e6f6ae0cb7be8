package live_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/internal/testlog"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestInternalErrorIsLogged: the handler used without the HTTP API answers an
// internal error with a bare 500, and logs its cause on the hub's logger, so a
// failure seen by a client can be explained.
func TestInternalErrorIsLogged(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			var logs testlog.Buffer
			n := newNode(t, storetest.NewConfig(t, kind), live.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, nil)
			seed(t, n)
			n.st.Close() // every read fails from now on
			resp, err := http.Get(n.url + "/v1/live?topics=product:p1")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500", resp.StatusCode)
			}
			if got := logs.String(); !strings.Contains(got, "live request failed") || !strings.Contains(got, "path=/v1/live") {
				t.Errorf("the 500's cause was not logged; logs:\n%s", got)
			}
		})
	}
}
