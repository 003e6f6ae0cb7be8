package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestEventsNewestFirst walks the log newest first, two events a page, and
// finds it is the log in commit order, reversed; the cursors of one order are
// refused by the other, naming the parameter.
func TestEventsNewestFirst(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			fatalIf(t, e.store.Read().CatchUp(ctx))
			page := func(q url.Values) mohalla.Page[mohalla.Event] {
				t.Helper()
				res, b := e.do(t, "GET", "/v1/events?"+q.Encode(), "admin", nil, "")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET /v1/events?%s: %d %s", q.Encode(), res.StatusCode, b)
				}
				var p mohalla.Page[mohalla.Event]
				fatalIf(t, json.Unmarshal([]byte(b), &p))
				return p
			}
			var ids []string
			for _, ev := range page(url.Values{"limit": {"1000"}}).Items {
				ids = append(ids, ev.ID)
			}
			var newest []string
			for q := (url.Values{"order": {"newest"}, "limit": {"2"}}); ; {
				p := page(q)
				for _, ev := range p.Items {
					newest = append(newest, ev.ID)
				}
				if len(p.Items) < 2 {
					break
				}
				q.Set("before", p.NextCursor)
			}
			slices.Reverse(newest)
			if len(ids) < 5 || !slices.Equal(newest, ids) {
				t.Errorf("newest first, reversed: %v; in commit order: %v", newest, ids)
			}
			for _, c := range []struct{ query, field string }{
				{"order=sideways", `"field":"order"`},
				{"order=newest&after=1-1", `"field":"after"`},
				{"before=1-1", `"field":"before"`},
				{"order=newest&before=x", `"field":"before"`},
			} {
				res, b := e.do(t, "GET", "/v1/events?"+c.query, "admin", nil, "")
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, c.field) {
					t.Errorf("GET /v1/events?%s: %d %s; want 422 naming %s", c.query, res.StatusCode, b, c.field)
				}
			}
		})
	}
}
