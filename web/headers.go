// The headers of every HTML page a node serves (these and the live-query
// example, the API reference): a Content-Security-Policy that runs only the
// node's own script files (no inline script) and the pages' own inline styles
// by their hashes, and forbids framing; no MIME sniffing; no referrer, since
// a page's address may carry a token.

package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Policy returns the Content-Security-Policy for html: scripts from the
// node's origin only, styles from it and html's own <style> blocks (each
// allowed by its SHA-256), fetches and live streams to the origin, and no
// framing, plugins, base or forms elsewhere.
func Policy(html []byte) string {
	styles := []string{"'self'"}
	rest := html
	for {
		_, after, ok := bytes.Cut(rest, []byte("<style>"))
		if !ok {
			break
		}
		css, next, ok := bytes.Cut(after, []byte("</style>"))
		if !ok {
			break
		}
		sum := sha256.Sum256(css)
		styles = append(styles, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		rest = next
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src " + strings.Join(styles, " "),
		"img-src 'self' data:",
		"connect-src 'self'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// SetHeaders sets the headers of a page whose policy is csp (from Policy).
// Pages are never cached, so a new version shows at once.
func SetHeaders(h http.Header, csp string) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY") // frame-ancestors for browsers without CSP 2
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
}

// SetScriptHeaders sets the headers of one of the pages' script files.
func SetScriptHeaders(h http.Header) {
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
}

// SetFileHeaders sets the headers of one of the pages' other files (styles,
// images), whose type is contentType.
func SetFileHeaders(h http.Header, contentType string) {
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
}
