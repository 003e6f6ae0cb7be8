// Package dashboard is the operator's page a node serves at /dashboard/: the
// sync monitor's health, the registered functions, their runs and steps (with
// re-run and cancel), the latest events, and the node's metrics, read through
// the same HTTP API an admin's tools would use.
package dashboard

import (
	_ "embed"
	"net/http"

	"github.com/mohallamart/mohalla/httpapi"
)

//go:embed web/index.html
var page []byte

// Handler serves the page at GET /dashboard/.
func Handler() http.Handler { return httpapi.Page("/dashboard/", page) }
