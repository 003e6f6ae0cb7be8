package cli

import (
	"context"

	"github.com/mohallamart/mohalla/httpapi"
)

// openapi prints the OpenAPI document a server serves at /openapi.json,
// without a store or a server, for generating clients (clients/js's npm run gen).
func (c *CLI) openapi(_ context.Context, args []string) error {
	fs := c.flagSet("openapi", "",
		"Print the OpenAPI 3.1 document of the HTTP API, as GET /openapi.json serves it.")
	if err := parse(fs, args); err != nil {
		return err
	}
	_, err := c.stdout.Write(httpapi.Document())
	return err
}
