package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

// short are timeouts a test outlasts many times over.
var short = httpapi.Timeouts{ReadHeader: 200 * time.Millisecond, Read: 200 * time.Millisecond,
	Write: 200 * time.Millisecond, Idle: 200 * time.Millisecond}

// TestSlowLorisIsCutOff sends a request's headers a byte at a time: the server
// closes the connection long before they end.
func TestSlowLorisIsCutOff(t *testing.T) {
	t.Parallel()
	e := openEnv(t, "sqlite", envOptions{timeouts: &short})
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	fatalIf(t, err)
	defer conn.Close()
	cut := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, conn) // returns when the server closes
		close(cut)
	}()
	// 2,000 bytes at one per 20ms take 40s, 200 times the header timeout.
	head := "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + strings.Repeat("a", 2000)
	for i := range len(head) {
		select {
		case <-cut:
			return
		case <-time.After(20 * time.Millisecond):
		}
		if _, err := conn.Write([]byte{head[i]}); err != nil {
			return // cut off: the server reset the connection
		}
	}
	t.Fatal("the server read headers sent a byte every 20ms for 40s")
}

// TestLiveOutlivesServerTimeouts: a live stream lives on past the server's
// read and write timeouts, and still delivers.
func TestLiveOutlivesServerTimeouts(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, kind, envOptions{timeouts: &short,
				live: &live.Config{Heartbeat: 50 * time.Millisecond}})
			sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			req, _ := http.NewRequestWithContext(sctx, "GET", e.url+"/v1/live?topics=product:apple", nil)
			res, err := http.DefaultClient.Do(req)
			fatalIf(t, err)
			defer res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			opened := time.Now()
			lines := bufio.NewScanner(res.Body)
			// Heartbeats until five times the timeouts have passed.
			for time.Since(opened) < 5*short.Read {
				if !lines.Scan() {
					t.Fatalf("the stream ended after %s: %v", time.Since(opened), lines.Err())
				}
			}
			// The change is made past the server, whose 200 ms write timeout
			// would also bound this request's answer on a loaded machine:
			// what is tested is the stream's life, not the write's speed.
			if _, err := e.svc.ChangeStock(ctx, callers["olga"], "apple", market.ChangeStock{Delta: 5}); err != nil {
				t.Fatal(err)
			}
			for lines.Scan() {
				if strings.Contains(lines.Text(), "event: change") {
					return
				}
			}
			t.Fatalf("the stream ended before the change: %v", lines.Err())
		})
	}
}

// TestLiveEndsWhenItsKeyIsRevoked: a stream opened with a service API key
// ends at the first heartbeat after the key is revoked.
func TestLiveEndsWhenItsKeyIsRevoked(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, kind, envOptions{live: &live.Config{Heartbeat: 50 * time.Millisecond}})
			res, body := e.do(t, "POST", "/v1/api-keys", "admin", nil, `{"name":"courier"}`)
			var made struct{ ID, Key string }
			if res.StatusCode != 201 || json.Unmarshal([]byte(body), &made) != nil {
				t.Fatalf("make a key: %d %s", res.StatusCode, body)
			}
			sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			req, _ := http.NewRequestWithContext(sctx, "GET", e.url+"/v1/live?topics=shop:shop-a:orders", nil)
			req.Header.Set("Authorization", "Bearer "+made.Key)
			stream, err := http.DefaultClient.Do(req)
			fatalIf(t, err)
			defer stream.Body.Close()
			if stream.StatusCode != 200 {
				t.Fatalf("open with the key: %d", stream.StatusCode)
			}
			lines := bufio.NewScanner(stream.Body)
			waitFor := func(want string) {
				t.Helper()
				for lines.Scan() {
					if strings.Contains(lines.Text(), want) {
						return
					}
				}
				t.Fatalf("the stream ended without %q: %v", want, lines.Err())
			}
			waitFor("event: heartbeat") // the key held at a heartbeat
			e.run(t, scenario{method: "DELETE", path: "/v1/api-keys/" + made.ID, as: "admin", status: 204})
			waitFor("event: end")
			waitFor("credential")
			for lines.Scan() {
				if lines.Text() != "" { // the end message's own blank line
					t.Errorf("after the end: %q", lines.Text())
				}
			}
		})
	}
}
