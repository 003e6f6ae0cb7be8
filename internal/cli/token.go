package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
)

func (c *CLI) token(_ context.Context, args []string) error {
	fs := c.flagSet("token", "--sub ID --role ROLE [flags]",
		"Print a signed JWT for a caller. The secret is MOHALLA_JWT_SECRET, or the one kept in --data\n"+
			"(made on first use), which is what serve verifies with.")
	sub := fs.String("sub", "", "the caller's user `id` (required)")
	role := fs.String("role", "", "customer, shop_owner, admin or service (required)")
	email := fs.String("email", "", "the caller's email")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	dir := fs.String("data", "./data", "`directory` that keeps the JWT secret")
	if err := parse(fs, args); err != nil {
		return err
	}
	caller := mohalla.Caller{ID: *sub, Role: mohalla.Role(*role), Email: *email}
	switch {
	case caller.ID == "":
		return usageErrorf(fs, "token needs --sub")
	case !caller.Role.Valid():
		return usageErrorf(fs, "--role must be customer, shop_owner, admin or service, not %q", *role)
	case *ttl <= 0:
		return usageErrorf(fs, "--ttl must be positive")
	}
	secret, err := auth.LoadSecret(*dir)
	if err != nil {
		return err
	}
	signer, err := auth.NewSigner(secret)
	if err != nil {
		return err
	}
	tok, err := signer.Sign(caller, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, tok)
	return nil
}
