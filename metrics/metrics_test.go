package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetricsReportWhatHappened(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			m := metrics.New()
			cfg := storetest.NewConfig(t, kind)
			cfg.Observer = m
			st := storetest.OpenConfig(t, cfg)
			m.WatchStore(st, nil)
			if pool := st.Pool(); pool != nil {
				m.WatchPool(pool, st.PoolWaiting)
			}
			eng, err := engine.New(ctx, st, &engine.Config{Observer: m, FetchPollInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			fn := engine.NewFunction(engine.FunctionOpts{ID: "count-me"}, engine.OnEvent("test/metric"),
				func(ctx context.Context, in engine.Input) (any, error) {
					_, err := engine.Run(ctx, in.Step, "work", func(context.Context) (int, error) { return 1, nil })
					close(done)
					return nil, err
				})
			if err := eng.Register(fn); err != nil {
				t.Fatal(err)
			}
			if err := eng.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer eng.Stop(ctx)
			svc := market.New(st, &market.Config{OnEvents: eng.Enqueue})

			mux := http.NewServeMux()
			mux.HandleFunc("GET /v1/things/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
			srv := httptest.NewServer(m.Middleware(mux))
			defer srv.Close()
			for _, id := range []string{"a", "b"} {
				resp, err := http.Get(srv.URL + "/v1/things/" + id)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if _, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{Name: "test/metric"}}); err != nil {
				t.Fatal(err)
			}
			<-done
			want := []string{
				`mohalla_http_requests_total{code="418",method="GET",route="/v1/things/{id}"} 2`,
				`mohalla_http_request_duration_seconds_count{method="GET",route="/v1/things/{id}"} 2`,
				`mohalla_db_transaction_duration_seconds_count{operation="send_events",outcome="committed"} 1`,
				`mohalla_queue_jobs{state="completed"} 1`,
				`mohalla_step_duration_seconds_count{function="count-me",kind="run"} 1`,
				`mohalla_runs{function="count-me",status="completed"} 1`,
				`mohalla_function_attempts_total{function="count-me",outcome="completed"} 1`,
			}
			if kind == "postgres" {
				want = append(want, `mohalla_db_pool_max_connections `, `mohalla_db_pool_acquires_total `, `mohalla_db_pool_waiting `)
			}
			var body string
			deadline := time.Now().Add(5 * time.Second)
			for {
				body = scrape(t, m)
				missing := ""
				for _, w := range want {
					if !strings.Contains(body, w) {
						missing = w
					}
				}
				if missing == "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("metrics lack %s:\n%s", missing, grep(body, "mohalla_"))
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A stream flushed through the middleware learns that its client has gone:
// http.ResponseController.Flush returns the connection's error, not nil.
func TestMiddlewarePassesOnFlushErrors(t *testing.T) {
	m := metrics.New()
	flushErr := make(chan error, 1)
	clientGone := make(chan struct{})
	srv := httptest.NewServer(m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		w.WriteHeader(http.StatusOK)
		if err := rc.Flush(); err != nil {
			flushErr <- err
			return
		}
		<-clientGone
		chunk := make([]byte, 64<<10)
		for range 1024 { // 64 MiB: far beyond what the sockets' buffers hold
			_, _ = w.Write(chunk) // its error is not what is tested
			if err := rc.Flush(); err != nil {
				flushErr <- err
				return
			}
		}
		flushErr <- nil
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // closes the connection: the body was not read to its end
	close(clientGone)
	if err := <-flushErr; err == nil {
		t.Fatal("Flush after the client closed its connection returned nil every time")
	}
}
