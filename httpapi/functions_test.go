package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/store/storetest"
)

// greetings counts the executions of greet-user's step by event id.
type greetings struct {
	sync.Mutex
	n map[string]int
}

func (g *greetings) inc(event string) {
	g.Lock()
	defer g.Unlock()
	g.n[event]++
}

func (g *greetings) get(event string) int {
	g.Lock()
	defer g.Unlock()
	return g.n[event]
}

// testFunctions are the functions of an engine's world: greet-user runs one step
// per new user and returns "greeted"; hold-order sleeps an hour on each order,
// so its runs stay unfinished; nightly-report is a cron function.
func testFunctions(g *greetings) []*engine.Function {
	return []*engine.Function{
		engine.NewFunction(engine.FunctionOpts{ID: "greet-user", Name: "Greet a new user"}, engine.OnEvent("user/created"),
			func(ctx context.Context, in engine.Input) (any, error) {
				_, err := engine.Run(ctx, in.Step, "greet", func(context.Context) (map[string]string, error) {
					g.inc(in.Event.ID)
					return map[string]string{"greeting": "Hello " + engine.Lookup(in.Event, "data.name")}, nil
				})
				return "greeted", err
			}),
		engine.NewFunction(engine.FunctionOpts{ID: "hold-order"}, engine.OnEvent("order/created"),
			func(ctx context.Context, in engine.Input) (any, error) {
				in.Step.Sleep(ctx, "hold", time.Hour)
				return nil, nil
			}),
		engine.NewFunction(engine.FunctionOpts{ID: "nightly-report"}, engine.OnCron("0 3 * * *"),
			func(context.Context, engine.Input) (any, error) { return nil, nil }),
	}
}

// runJSON is a run as the API shows it.
type runJSON struct {
	ID         string `json:"id"`
	FunctionID string `json:"functionId"`
	EventID    string `json:"eventId"`
	Status     string `json:"status"`
	Steps      []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"steps"`
}

// waitRuns waits until GET /v1/runs?query lists n runs and returns them, newest
// first.
func (e *env) waitRuns(t *testing.T, query string, n int) []runJSON {
	t.Helper()
	var page struct{ Items []runJSON }
	body := ""
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, body = e.do(t, "GET", "/v1/runs?limit=500&"+query, "admin", nil, "")
		fatalIf(t, json.Unmarshal([]byte(body), &page))
		if len(page.Items) == n {
			return page.Items
		}
	}
	t.Fatalf("GET /v1/runs?%s: %d runs, want %d; body: %s", query, len(page.Items), n, clip(body))
	return nil
}

// waitRun waits until run id is in status.
func (e *env) waitRun(t *testing.T, id, status string) runJSON {
	t.Helper()
	var r runJSON
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, body := e.do(t, "GET", "/v1/runs/"+id, "admin", nil, "")
		fatalIf(t, json.Unmarshal([]byte(body), &r))
		if r.Status == status {
			return r
		}
	}
	t.Fatalf("run %s is %s, want %s", id, r.Status, status)
	return r
}

// TestFunctions drives the function routes on a real engine: the world's four
// users each ran greet-user to completion, and its order left hold-order asleep.
func TestFunctions(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			g := &greetings{n: map[string]int{}}
			from := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
			e := newEngineEnv(t, kind, testFunctions(g)...)
			to := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
			greeted := e.waitRuns(t, "function=greet-user&status=completed", 4)
			held := e.waitRuns(t, "function=hold-order&status=sleeping", 1)[0]
			first, second := greeted[0], greeted[1]
			window := fmt.Sprintf(`{"from":%q,"to":%q}`, from, to)

			// other is a second node on the same store whose engine has no
			// functions: the runs of the first are of functions it does not know.
			other := &env{url: serveEngineless(t, e), store: e.store, svc: e.svc}

			for _, sc := range []scenario{
				// functions
				{name: "anyone lists the functions", method: "GET", path: "/v1/functions", status: 200,
					contains: []string{`{"id":"greet-user","name":"Greet a new user","event":"user/created","retries":4,"timeout":"1m0s"}`,
						`"id":"hold-order"`, `"id":"nightly-report"`, `"cron":"0 3 * * *"`}},
				{name: "a customer lists the functions", method: "GET", path: "/v1/functions", as: "alice", status: 200,
					contains: []string{`"id":"greet-user"`}},
				{name: "a bad token is 401 on the functions", method: "GET", path: "/v1/functions",
					header: map[string]string{"Authorization": "Bearer garbage"}, status: 401},

				// list runs
				{name: "an admin lists a function's runs", method: "GET", path: "/v1/runs?function=greet-user", as: "admin",
					status: 200, contains: []string{first.ID, second.ID, `"status":"completed"`, `"output":"greeted"`},
					notContains: []string{"hold-order", "nextCursor"}},
				{name: "a service lists the sleeping runs", method: "GET", path: "/v1/runs?status=sleeping", as: "service",
					status: 200, contains: []string{held.ID, `"functionId":"hold-order"`}, notContains: []string{"greet-user"}},
				{name: "runs of one event", method: "GET", path: "/v1/runs?event=" + first.EventID, as: "admin",
					status: 200, contains: []string{first.ID}, notContains: []string{second.ID, held.ID}},
				{name: "a page of runs has a cursor to the rest", method: "GET", path: "/v1/runs?function=greet-user&limit=3", as: "admin",
					status: 200, contains: []string{`"nextCursor":"`},
					after: func(t *testing.T, e *env) { wantPages(t, e, "function=greet-user", 3, 4) }},
				{name: "a customer may not list runs", method: "GET", path: "/v1/runs", as: "alice", status: 403},
				{name: "a shop owner may not list runs", method: "GET", path: "/v1/runs", as: "olga", status: 403},
				{name: "anonymous may not list runs", method: "GET", path: "/v1/runs", status: 401},
				{name: "an unknown status is named", method: "GET", path: "/v1/runs?status=done", as: "admin",
					status: 422, contains: []string{`"field":"status"`}},
				{name: "a non-numeric limit is named", method: "GET", path: "/v1/runs?limit=all", as: "admin",
					status: 422, contains: []string{`"field":"limit"`}},
				{name: "a limit over 500 is named", method: "GET", path: "/v1/runs?limit=501", as: "admin",
					status: 422, contains: []string{`"field":"limit"`}},

				// one run
				{name: "an admin gets a run with its steps", method: "GET", path: "/v1/runs/" + first.ID, as: "admin",
					status: 200, contains: []string{`"id":"` + first.ID + `"`, `"steps":[{`, `"id":"greet"`, `"kind":"run"`,
						`"output":{"greeting":"Hello `, `"output":"greeted"`}},
				{name: "a service gets a sleeping run", method: "GET", path: "/v1/runs/" + held.ID, as: "service",
					status: 200, contains: []string{`"status":"sleeping"`, `"id":"hold"`, `"kind":"sleep"`, `"wakeAt":"`}},
				{name: "a customer may not get a run", method: "GET", path: "/v1/runs/" + first.ID, as: "alice", status: 403},
				{name: "anonymous may not get a run", method: "GET", path: "/v1/runs/" + first.ID, status: 401},
				{name: "an unknown run is 404", method: "GET", path: "/v1/runs/no-such-run", as: "admin", status: 404,
					contains: []string{`"code":"not_found"`}},

				// cancel
				{name: "anonymous may not cancel", method: "POST", path: "/v1/runs/" + held.ID + "/cancel", status: 401},
				{name: "a customer may not cancel", method: "POST", path: "/v1/runs/" + held.ID + "/cancel", as: "alice", status: 403},
				{name: "a service may read but not cancel", method: "POST", path: "/v1/runs/" + held.ID + "/cancel", as: "service", status: 403},
				{name: "an unknown run cannot be cancelled", method: "POST", path: "/v1/runs/no-such-run/cancel", as: "admin", status: 404},
				{name: "an admin cancels a sleeping run", method: "POST", path: "/v1/runs/" + held.ID + "/cancel", as: "admin",
					status: 200, contains: []string{`"id":"` + held.ID + `"`, `"status":"cancelled"`, `"error":"cancelled by root"`}},
				{name: "a cancelled run cannot be cancelled again", method: "POST", path: "/v1/runs/" + held.ID + "/cancel", as: "admin",
					status: 409, contains: []string{"already finished"}},
				{name: "a completed run cannot be cancelled", method: "POST", path: "/v1/runs/" + first.ID + "/cancel", as: "admin",
					status: 409, contains: []string{`"code":"conflict"`},
					after: func(t *testing.T, e *env) {
						if r := e.waitRun(t, first.ID, "completed"); r.Status != "completed" {
							t.Errorf("a refused cancel changed the run to %s", r.Status)
						}
					}},

				// rerun
				{name: "anonymous may not rerun", method: "POST", path: "/v1/runs/" + first.ID + "/rerun", status: 401},
				{name: "a customer may not rerun", method: "POST", path: "/v1/runs/" + first.ID + "/rerun", as: "alice", status: 403},
				{name: "a service may not rerun", method: "POST", path: "/v1/runs/" + first.ID + "/rerun", as: "service", status: 403},
				{name: "an unknown run cannot be rerun", method: "POST", path: "/v1/runs/no-such-run/rerun", as: "admin", status: 404},
				{name: "an admin reruns a run with fresh steps", method: "POST", path: "/v1/runs/" + first.ID + "/rerun", as: "admin",
					status: 202, contains: []string{`"runId":"`}, notContains: []string{first.ID},
					after: func(t *testing.T, e *env) {
						runs := e.waitRuns(t, "function=greet-user&status=completed", 5)
						again := e.waitRun(t, runs[0].ID, "completed")
						if again.EventID != first.EventID || len(again.Steps) != 1 || again.Steps[0].Status != "completed" {
							t.Errorf("the rerun is %+v, want a completed run of event %s with one step", again, first.EventID)
						}
						if n := g.get(first.EventID); n != 2 {
							t.Errorf("the greeting of event %s ran %d times, want 2", first.EventID, n)
						}
					}},

				// replay
				{name: "anonymous may not replay", method: "POST", path: "/v1/functions/greet-user/replay", body: window, status: 401},
				{name: "a customer may not replay", method: "POST", path: "/v1/functions/greet-user/replay", as: "alice", body: window, status: 403},
				{name: "a service may not replay", method: "POST", path: "/v1/functions/greet-user/replay", as: "service", body: window, status: 403},
				{name: "an unknown function cannot be replayed", method: "POST", path: "/v1/functions/no-such-fn/replay", as: "admin",
					body: window, status: 404},
				{name: "a missing from is named", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					body: fmt.Sprintf(`{"to":%q}`, to), status: 422, contains: []string{`"field":"from"`, "RFC 3339"}},
				{name: "a from that is no time is named", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					body: fmt.Sprintf(`{"from":"yesterday","to":%q}`, to), status: 422, contains: []string{`"field":"from"`, "RFC 3339"},
					notContains: []string{`"field":"to"`}},
				{name: "a missing to is named", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					body: fmt.Sprintf(`{"from":%q}`, from), status: 422, contains: []string{`"field":"to"`}, notContains: []string{`"field":"from"`}},
				{name: "a to before from is named", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					body: fmt.Sprintf(`{"from":%q,"to":%q}`, to, from), status: 422, contains: []string{`"field":"from"`}},
				{name: "a time of the wrong type is named", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					body: fmt.Sprintf(`{"from":%q,"to":1}`, from), status: 422, contains: []string{`"field":"to"`}},
				{name: "an unknown status is named in a replay", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					body: fmt.Sprintf(`{"from":%q,"to":%q,"status":"done"}`, from, to), status: 422, contains: []string{`"field":"status"`}},
				{name: "a cron function has no events to replay", method: "POST", path: "/v1/functions/nightly-report/replay", as: "admin",
					body: window, status: 422, contains: []string{`"field":"function"`}},
				{name: "a window with no events queues nothing", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					body: `{"from":"2001-01-01T00:00:00Z","to":"2001-01-02T00:00:00+05:30"}`, status: 202, contains: []string{`"queued":0`}},
				{name: "an admin replays a function's events", method: "POST", path: "/v1/functions/greet-user/replay", as: "admin",
					// replay reads the log, which on PostgreSQL shows an event once
					// every older transaction in the cluster has ended
					before: func(t *testing.T, e *env) { e.settle(t) },
					body:   window, status: 202, contains: []string{`"queued":4`},
					after: func(t *testing.T, e *env) { e.waitRuns(t, "function=greet-user&status=completed", 9) }},
				{name: "an admin replays the events whose last run was cancelled", method: "POST", path: "/v1/functions/hold-order/replay", as: "admin",
					body: fmt.Sprintf(`{"from":%q,"to":%q,"status":"cancelled"}`, from, to), status: 202, contains: []string{`"queued":1`},
					after: func(t *testing.T, e *env) { e.waitRuns(t, "function=hold-order&status=sleeping", 1) }},
			} {
				t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
			}
			t.Run("a function no longer registered cannot be rerun", func(t *testing.T) {
				other.run(t, scenario{method: "POST", path: "/v1/runs/" + second.ID + "/rerun", as: "admin",
					status: 409, contains: []string{`\"greet-user\" is no longer registered`}})
			})
		})
	}
}

// serveEngineless serves e's store through an engine with no functions, which
// is never started, and returns its URL.
func serveEngineless(t *testing.T, e *env) string {
	t.Helper()
	eng, err := engine.New(ctx, e.store, nil)
	fatalIf(t, err)
	srv := httptest.NewServer(httpapi.New(e.svc, signer, &httpapi.Config{Engine: eng}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// wantPages follows GET /v1/runs?query in pages of size and finds want runs,
// each once.
func wantPages(t *testing.T, e *env, query string, size, want int) {
	t.Helper()
	seen := map[string]bool{}
	cursor := ""
	for range want + 1 {
		_, body := e.do(t, "GET", fmt.Sprintf("/v1/runs?%s&limit=%d&cursor=%s", query, size, url.QueryEscape(cursor)), "admin", nil, "")
		var page struct {
			Items      []runJSON `json:"items"`
			NextCursor string    `json:"nextCursor"`
		}
		fatalIf(t, json.Unmarshal([]byte(body), &page))
		for _, r := range page.Items {
			if seen[r.ID] {
				t.Errorf("run %s on two pages", r.ID)
			}
			seen[r.ID] = true
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != want {
		t.Errorf("the pages held %d runs, want %d", len(seen), want)
	}
}
