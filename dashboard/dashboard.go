// Package dashboard is the operator's page a node serves at /dashboard/: the
// sync monitor's health, the registered functions, their runs and steps (with
// re-run and cancel), the latest events, and the node's metrics, read through
// the same HTTP API an admin's tools would use.
package dashboard

import (
	_ "embed"
	"net/http"

	"github.com/mohallamart/mohalla/webpage"
)

//go:embed web/index.html
var page []byte

//go:embed web/dashboard.js
var script []byte

// Handler serves the page at GET /dashboard/ and its script at
// /dashboard/dashboard.js, with webpage's headers.
func Handler() http.Handler {
	return webpage.Handler("/dashboard/", page, map[string][]byte{"dashboard.js": script})
}
