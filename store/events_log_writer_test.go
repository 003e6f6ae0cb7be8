package store_test

import (
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestEventsNeedALogWriter: on PostgreSQL events are appended by a log
// writer. A transaction that did not begin as one (InTx) becomes one at its
// first events insert if it has not written yet, and is refused if it has;
// one that began as one (InEventTx) appends without the trigger's function
// (migration 048: its check is the trigger's WHEN clause).
func TestEventsNeedALogWriter(t *testing.T) {
	st := storetest.Open(t, string(store.Postgres))
	n := 0
	appendAfter := func(write bool) func(tx *store.Tx) error {
		return func(tx *store.Tx) error {
			pg, _ := tx.PgxTx()
			if write {
				if _, err := pg.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil { // the transaction's id, as a write takes
					return err
				}
			}
			n++
			_, err := tx.AppendEvents(ctx, []mohalla.Event{{ID: "01JAAAAAAAAAAAAAAAAAAAAAA" + string(rune('A'+n)), Name: "test/writer",
				Data: []byte(`{}`), TS: 1}})
			return err
		}
	}
	if err := st.InTx(ctx, appendAfter(true)); err == nil || !strings.Contains(err.Error(), "log writer lock") {
		t.Errorf("InTx that wrote first: %v, want the trigger's refusal", err)
	}
	if err := st.InTx(ctx, appendAfter(false)); err != nil {
		t.Errorf("InTx that appends first: %v", err)
	}
	if err := st.InEventTx(ctx, appendAfter(true)); err != nil {
		t.Errorf("InEventTx: %v", err)
	}
	var when bool
	if err := st.Pool().QueryRow(ctx, `SELECT tgqual IS NOT NULL FROM pg_trigger
		WHERE tgname = 'events_log_writer' AND tgrelid = 'events'::regclass`).Scan(&when); err != nil || !when {
		t.Errorf("events_log_writer has a WHEN clause: %v (%v), want true", when, err)
	}
}
