package outbound

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Config configures NewClient. A nil *Config means the defaults.
type Config struct {
	// AllowPrivate is the development switch (serve --allow-private-webhooks):
	// it lifts the scheme and address checks so a local receiver can be
	// called. Never in production.
	AllowPrivate bool
	// Timeout bounds a whole request: dialling, TLS, headers and reading the
	// body. Default 10s.
	Timeout time.Duration
	// MaxResponseBytes bounds a response body; reading past it fails with
	// ErrResponseTooLarge. Default 64 KiB.
	MaxResponseBytes int64
	// Resolver resolves host names before the dialer checks their addresses.
	// Default net.DefaultResolver.
	Resolver *net.Resolver
}

// ErrResponseTooLarge is returned when reading a response body past
// Config.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("outbound response body too large")

// NewClient returns a client for calling addresses others chose. Before each
// request it applies CheckURL, and its dialer checks every address it
// connects to (after resolution, so DNS cannot smuggle in a private one). It
// uses no proxy, follows no redirect (a 3xx is returned as the response),
// and bounds each request by Config.Timeout and each body by
// Config.MaxResponseBytes.
func NewClient(cfg *Config) *http.Client {
	if cfg == nil {
		cfg = &Config{}
	}
	c := *cfg
	c.Timeout = cmp.Or(c.Timeout, 10*time.Second)
	c.MaxResponseBytes = cmp.Or(c.MaxResponseBytes, 64<<10)
	dialer := &net.Dialer{Timeout: c.Timeout, Resolver: c.Resolver}
	if !c.AllowPrivate {
		dialer.Control = controlDial
	}
	base := &http.Transport{
		Proxy:                 nil, // a proxy would dial the refused address for us
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   c.Timeout,
		ResponseHeaderTimeout: c.Timeout,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport: &transport{base: base, cfg: c},
		Timeout:   c.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// controlDial refuses a connection to an address CheckAddr refuses. It runs
// for every address the dialer tries, after name resolution.
func controlDial(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refuse("must dial an IP address, not %q", address)
	}
	return CheckAddr(ap.Addr()) // the dialer's error names the network and address
}

// transport checks each request's URL and bounds each response's body.
type transport struct {
	base *http.Transport
	cfg  Config
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := CheckURL(req.URL.String(), t.cfg.AllowPrivate); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("url %s: %w", Redact(req.URL.String()), err)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.cfg.MaxResponseBytes}
	return resp, nil
}

// limitedBody fails a read past its limit instead of truncating silently.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n + int(b.left), ErrResponseTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// Redact returns raw without its user name and password, for errors and
// records: unlike url.URL.Redacted it drops the user name too. A raw that
// does not parse is replaced by a placeholder, since it cannot be cleaned.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// RedactError returns err with the URL of a *url.Error (as http.Client.Do
// returns) passed through Redact, so no caller logs or records a user name or
// password that a URL carried.
func RedactError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = Redact(ue.URL)
	}
	return err
}
