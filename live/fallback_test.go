package live_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/store/storetest"
)

// syncBuffer is a log sink that handlers write to from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInternalErrorIsLogged: the handler used without the HTTP API answers an
// internal error with a bare 500, and logs its cause on the hub's logger, so a
// failure seen by a client can be explained.
func TestInternalErrorIsLogged(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			var logs syncBuffer
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
