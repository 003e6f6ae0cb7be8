// Package dashboard is the operator's page a node serves at /dashboard/: the
// sync monitor's health, the registered functions, their runs and steps (with
// re-run and cancel), the latest events, an order's, product's or shop's
// history from the audit trail, and the node's metrics, read through
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

//go:embed web/history.js
var history []byte

// Handler serves the page at GET /dashboard/ and its script at
// /dashboard/dashboard.js, with webpage's headers.
func Handler() http.Handler {
	return webpage.Handler("/dashboard/", page, map[string][]byte{"dashboard.js": script, "history.js": history})
}
