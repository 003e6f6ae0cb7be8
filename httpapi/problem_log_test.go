package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/internal/testlog"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestInternalErrorLoggedOnce: a request that fails inside (here, on a
// closed store) is answered a bare 500 and logged once, by the problem
// writer every handler shares, with its request id and its cause; the
// market, which shares the logger, does not log it again. The same for a
// route and for a live stream.
func TestInternalErrorLoggedOnce(t *testing.T) {
	t.Parallel()
	st := storetest.OpenConfig(t, storetest.NewConfig(t, "sqlite"))
	var logs testlog.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	svc := market.New(st, &market.Config{Logger: log})
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	_, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: "olga", Email: "olga@example.com", Name: "Olga"})
	fatalIf(t, err)
	hub := live.NewHub(st, svc, nil)
	runCtx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	fatalIf(t, hub.Start(ctx))
	go hub.Run(runCtx) //nolint:errcheck // ends with the test
	srv := httptest.NewServer(httpapi.New(svc, nil, &httpapi.Config{Logger: log, Live: hub}))
	t.Cleanup(srv.Close)
	st.Close() // every read fails from now on

	for _, path := range []string{"/v1/products/apple", "/v1/live?topics=product:apple"} {
		before := len(logs.String())
		req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
		fatalIf(t, err)
		res, err := http.DefaultClient.Do(req)
		fatalIf(t, err)
		res.Body.Close()
		if res.StatusCode != http.StatusInternalServerError {
			t.Fatalf("GET %s: %d, want 500", path, res.StatusCode)
		}
		id := res.Header.Get("X-Request-Id")
		lines := strings.Split(strings.TrimSpace(logs.String()[before:]), "\n")
		var errs []string
		for _, l := range lines {
			if strings.Contains(l, "level=ERROR") {
				errs = append(errs, l)
			}
		}
		if id == "" || len(errs) != 1 ||
			!strings.Contains(errs[0], "request_id="+id) || !strings.Contains(errs[0], "closed") {
			t.Errorf("GET %s (request id %q) logged %d errors, want one with its id and cause:\n%s", path, id, len(errs), strings.Join(lines, "\n"))
		}
	}
}
