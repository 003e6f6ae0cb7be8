// Package storefront is the shopper's page a node serves at /storefront/: it
// searches products, shows their stock live, and places orders, through the
// same HTTP API and live queries any app would use. It doubles as an example
// of building on them.
package storefront

import (
	_ "embed"
	"net/http"

	"github.com/mohallamart/mohalla/httpapi"
)

//go:embed web/index.html
var page []byte

// Handler serves the page at GET /storefront/.
func Handler() http.Handler { return httpapi.Page("/storefront/", page) }
