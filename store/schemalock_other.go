//go:build !unix

package store

import "context"

// withSchemaLock runs fn unguarded where flock is missing: processes that
// start together on a new SQLite file may then both try to migrate it.
func (d *sqliteDB) withSchemaLock(_ context.Context, fn func() error) error { return fn() }
