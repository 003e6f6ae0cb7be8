// Package storefront is the shopper's page a node serves at /storefront/: it
// searches products, shows their stock live, and places orders, through the
// same HTTP API and live queries any app would use. It doubles as an example
// of building on them.
package storefront

import (
	_ "embed"
	"net/http"

	"github.com/mohallamart/mohalla/webpage"
)

//go:embed web/index.html
var page []byte

//go:embed web/storefront.js
var script []byte

// Handler serves the page at GET /storefront/ and its script at
// /storefront/storefront.js, with webpage's headers.
func Handler() http.Handler {
	return webpage.Handler("/storefront/", page, map[string][]byte{"storefront.js": script})
}
