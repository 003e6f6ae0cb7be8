package store

import "time"

// dialect is all that the store's SQL says differently on PostgreSQL and on
// SQLite: the fragments spliced into a shared query, the classification of
// the database's errors, and the choice of text for a query the two say
// differently (query). The connections (begin, reader, writer, migrations,
// the schema lock) are the backend's; a query asks the dialect, never the
// backend or the Kind.
type dialect struct {
	kind Kind

	// forUpdate is the row-locking suffix of a SELECT, "" where writers
	// take turns anyway (SQLite's one writer connection).
	forUpdate string
	// posTx is SQL for an events row's Position.Tx.
	posTx string
	// jsonText returns SQL for the text of a JSON column's top-level key.
	jsonText func(col, key string) string
	// jsonEach returns SQL for a table of the strings of a JSON array
	// parameter, column "value".
	jsonEach func(param string) string
	// cast returns a parameter with its PostgreSQL type where the database
	// cannot infer one (a VALUES list's): the parameter alone on SQLite.
	cast func(param, pgType string) string
	// recordSet returns SQL for a table named v of the objects of the JSON
	// array parameter param, and the SQL of each column's value by name.
	recordSet func(param string, cols []recordCol) (from string, col func(name string) string)
	// riverTime returns a time as River's driver writes it, to compare
	// with its columns: SQLite's as datetime('now', 'subsec') does.
	riverTime func(t time.Time) any
	// oneStatementPays says a statement costs a round trip to a server, so
	// that many rows are better written in one statement than one each
	// (PostgreSQL); in process (SQLite), one statement a row costs as much.
	oneStatementPays bool
	// jobsInSQL says the store's SQL may insert River's jobs itself
	// (InsertRunsWithJobs): River's PostgreSQL tables; its SQLite driver
	// keeps args and times in its own formats.
	jobsInSQL bool

	isUnique     func(err error) bool
	isForeignKey func(err error) bool
	// isRetryable reports a transient conflict: InTx runs the transaction again.
	isRetryable func(err error) bool
	// isBadValue reports an error the database raised for a value it
	// refuses: on PostgreSQL SQLSTATE class 22 (data exception: a NUL in
	// text, invalid UTF-8, a number out of range) or 23514 (a CHECK), on
	// SQLite a CHECK.
	isBadValue func(err error) bool
}

// query is the text of a query that PostgreSQL and SQLite say differently,
// both kept side by side where the query is used; a query the two say alike
// is one string. Both texts number their parameters $1, $2… and take the
// same arguments: a text may leave out the ones it does not need (SQLite
// binds by number, see sqlQuerier), as PostgreSQL's reading the log takes a
// horizon SQLite has no use for. An empty text says the database needs no
// such statement (SQLite takes no lock where its writers take turns): the
// caller skips it, or does the work another way, as it says.
type query struct{ postgres, sqlite string }

// sql returns q's text in d.
func (d *dialect) sql(q query) string {
	if d.kind == Postgres {
		return q.postgres
	}
	return q.sqlite
}
