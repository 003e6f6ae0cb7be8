package store

import (
	"context"
	"errors"
	"strings"

	"github.com/mohallamart/mohalla"
)

// AppRole is the PostgreSQL role the store's queries run as: it owns no table
// and is no superuser, so the row-level security policies of migration 011
// apply to it. Each transaction (and each read outside one) switches to it
// locally, so the connection's own login, the owner, keeps running the
// migrations and River.
const AppRole = "mohalla_app"

// The roles of callers with no request behind them. They are not token roles
// (mohalla.Role.Valid is false for them), so no request can carry one.
const (
	// RoleSystem is background work that writes: the functions engine and
	// the functions it runs (emails, webhooks, analytics, alerts, retention,
	// sync checks). It reads and writes every row.
	RoleSystem mohalla.Role = "system"
	// RoleProjection is background work that only reads: the event log's
	// followers (search index, cache, live queries), the cache warmer and the
	// sync monitor's comparison. It reads every row and writes none of the
	// tenant tables.
	RoleProjection mohalla.Role = "projection"
)

type callerKey struct{}

// WithCaller returns ctx carrying c as the caller of the store work done with
// it: on PostgreSQL each transaction, and each read or write outside one, sets
// app.user_id and app.role to c's, and the row-level security policies decide
// from them what it sees and may change. Work whose ctx carries no caller sees
// no tenant row and may change none: a forgotten caller fails closed. SQLite
// has no row-level security and ignores the caller.
func WithCaller(ctx context.Context, c mohalla.Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// AsSystem returns ctx carrying the system caller named name ("engine",
// "retention"), of RoleSystem.
func AsSystem(ctx context.Context, name string) context.Context {
	return WithCaller(ctx, mohalla.Caller{ID: "system:" + name, Role: RoleSystem})
}

// AsProjection returns ctx carrying the read-only caller named name
// ("search", "cache"), of RoleProjection.
func AsProjection(ctx context.Context, name string) context.Context {
	return WithCaller(ctx, mohalla.Caller{ID: "projection:" + name, Role: RoleProjection})
}

// CallerOf returns the caller ctx carries, and whether it carries one.
func CallerOf(ctx context.Context) (mohalla.Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(mohalla.Caller)
	return c, ok
}

// errNULCaller refuses a caller whose id cannot be a PostgreSQL string.
var errNULCaller = errors.New("store: the caller's id or role holds a NUL byte")

// sessionSQL is the SQL that makes the statements after it, up to the end of
// the transaction, run as AppRole for ctx's caller: an empty id and role when
// ctx carries none, which every policy reads as "no one". Its literals are
// quoted here, not bound, so it can ride in the one simple-protocol message
// that begins a transaction. SET LOCAL means what set_config(…, true) does,
// but is a utility statement, which PostgreSQL neither analyses nor plans:
// about 10 µs of its CPU less a transaction than the SELECT of three
// set_config calls it replaces (issue 12).
func sessionSQL(ctx context.Context) (string, error) {
	c, _ := CallerOf(ctx)
	if strings.ContainsRune(c.ID, 0) || strings.ContainsRune(string(c.Role), 0) {
		return "", errNULCaller
	}
	return "SET LOCAL ROLE " + quoteLiteral(AppRole) + "; SET LOCAL app.user_id = " + quoteLiteral(c.ID) +
		"; SET LOCAL app.role = " + quoteLiteral(string(c.Role)), nil
}

// quoteLiteral quotes s as a standard-conforming SQL string literal (the
// default since PostgreSQL 9.1, and what pgx requires).
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
