package outbound_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/outbound"
	"github.com/mohallamart/mohalla/outbound/outboundtest"
)

// receiver counts the requests it is sent.
type receiver struct {
	calls atomic.Int64
	h     http.HandlerFunc
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.calls.Add(1)
	if r.h != nil {
		r.h(w, req)
	}
}

// TestClientRefusesNamesResolvingToLoopbackWhenDialled registers nothing: it
// proves that a name that passes CheckURL, because it is a name, is refused
// when the dialer sees the loopback address it resolves to, and that only the
// policy stops it (the development switch lets the same request through).
func TestClientRefusesNamesResolvingToLoopbackWhenDialled(t *testing.T) {
	t.Parallel()
	rcv := &receiver{}
	tlsSrv := httptest.NewTLSServer(rcv)
	defer tlsSrv.Close()
	plain := httptest.NewServer(rcv)
	defer plain.Close()
	_, tlsPort, _ := net.SplitHostPort(strings.TrimPrefix(tlsSrv.URL, "https://"))
	_, plainPort, _ := net.SplitHostPort(strings.TrimPrefix(plain.URL, "http://"))
	resolver := outboundtest.StartDNS(t, map[string][]netip.Addr{
		"loopback.test":       {netip.MustParseAddr("127.0.0.1")},
		"loopback-other.test": {netip.MustParseAddr("127.9.9.9")},
		"loopback6.test":      {netip.MustParseAddr("::1")},
		"mapped.test":         {netip.MustParseAddr("::ffff:127.0.0.1")},
		"rebound.test":        {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")},
	})

	strict := outbound.NewClient(&outbound.Config{Resolver: resolver})
	for _, name := range []string{"loopback.test", "loopback-other.test", "loopback6.test", "mapped.test", "rebound.test"} {
		raw := "https://" + net.JoinHostPort(name, tlsPort) + "/hook"
		if err := outbound.CheckURL(raw, false); err != nil {
			t.Fatalf("CheckURL(%q) = %v; a name is checked when dialled", raw, err)
		}
		resp, err := strict.Post(raw, "application/json", strings.NewReader(`{}`))
		if err == nil {
			resp.Body.Close()
			t.Errorf("POST %s answered %s; want refused when dialled", raw, resp.Status)
			continue
		}
		if !errors.Is(err, outbound.ErrRefused) || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("POST %s: %v; want refused as loopback", raw, err)
		}
	}
	if n := rcv.calls.Load(); n != 0 {
		t.Fatalf("the receiver got %d requests; want none", n)
	}

	dev := outbound.NewClient(&outbound.Config{Resolver: resolver, AllowPrivate: true})
	resp, err := dev.Post("http://"+net.JoinHostPort("loopback.test", plainPort)+"/hook", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("with the development switch: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || rcv.calls.Load() != 1 {
		t.Fatalf("with the development switch: %s, %d calls; want 200 and one call", resp.Status, rcv.calls.Load())
	}
}

func TestClientFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	target := &receiver{}
	tsrv := httptest.NewServer(target)
	defer tsrv.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, tsrv.URL+"/latest/meta-data/", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := outbound.NewClient(&outbound.Config{AllowPrivate: true})
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || target.calls.Load() != 0 {
		t.Fatalf("answer %s, %d calls to the redirect's target; want the 307 itself and none", resp.Status, target.calls.Load())
	}
}

func TestClientBoundsTheResponseBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 1<<20)))
	}))
	defer srv.Close()
	c := outbound.NewClient(&outbound.Config{AllowPrivate: true, MaxResponseBytes: 1000})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, outbound.ErrResponseTooLarge) || len(b) != 1000 {
		t.Fatalf("read %d bytes, %v; want 1000 and ErrResponseTooLarge", len(b), err)
	}
	small := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	defer small.Close()
	resp, err = c.Get(small.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "ok" {
		t.Fatalf("a small body: %q, %v", b, err)
	}
}

func TestClientTimesOutASlowReceiver(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select { // a body that never ends, until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := outbound.NewClient(&outbound.Config{AllowPrivate: true, Timeout: 300 * time.Millisecond})
	resp, err := c.Get(srv.URL)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("a body that never ends: %v; want a timeout", err)
	}
}

func TestClientRefusesCredentialsAndNeverEchoesThem(t *testing.T) {
	t.Parallel()
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("shopuser", "hunter2-secret")
	for _, c := range []*http.Client{outbound.NewClient(nil), outbound.NewClient(&outbound.Config{AllowPrivate: true})} {
		resp, err := c.Post(u.String(), "application/json", strings.NewReader(`{}`))
		if err == nil {
			resp.Body.Close()
			t.Fatalf("a URL with credentials answered %s; want refused", resp.Status)
		}
		msg := outbound.RedactError(err).Error()
		if !errors.Is(err, outbound.ErrRefused) || strings.Contains(msg, "hunter2") || strings.Contains(msg, "shopuser") {
			t.Errorf("error %q; want refused, without the user name or password", msg)
		}
	}
	if rcv.calls.Load() != 0 {
		t.Fatal("a request with credentials was sent")
	}
}
