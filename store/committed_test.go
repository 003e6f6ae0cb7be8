package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestCommittedIsTheLog: what a store keeps of its own commits (Committed) is
// the log's events right after a position, exactly as ReadEvents returns
// them, never a rolled-back transaction's, and it says where another
// process's commit (a second store on the same file) leaves a gap that must
// be read from the log. On PostgreSQL it keeps nothing.
func TestCommittedIsTheLog(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			st, other := storetest.OpenConfig(t, cfg), storetest.OpenConfig(t, cfg)
			ctx := store.AsSystem(context.Background(), "test")
			customer := &mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer, Email: "u1@example.com"}
			appendTx := func(s *store.Store, rollback bool, ids ...string) {
				t.Helper()
				err := s.InTx(ctx, func(tx *store.Tx) error {
					var evs []mohalla.Event
					for _, id := range ids {
						evs = append(evs, mohalla.Event{ID: id, Name: "test/committed", Data: []byte(`{"id":"` + id + `"}`),
							User: customer, TS: time.Now().UnixMilli(), V: "2"})
					}
					if _, err := tx.AppendEvents(ctx, evs); err != nil {
						return err
					}
					if rollback {
						return errRolledBack
					}
					return nil
				})
				if err != nil && !errors.Is(err, errRolledBack) {
					t.Fatal(err)
				}
			}
			appendTx(st, false, "a1", "a2")
			appendTx(st, true, "x1")        // rolled back
			appendTx(st, false, "a3", "a1") // a1 is in the log already
			appendTx(other, false, "b1")
			appendTx(st, false, "a4")

			log, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(idsOf(log)); got != "[a1 a2 a3 b1 a4]" {
				t.Fatalf("the log holds %s", got)
			}
			got, more := st.Committed(mohalla.Position{}, 100)
			if kind == "postgres" {
				if len(got) != 0 || more {
					t.Fatalf("Committed on PostgreSQL = %v, %v; want nothing", idsOf(got), more)
				}
				return
			}
			if !reflect.DeepEqual(got, log[:3]) || !more {
				t.Errorf("Committed from the start = %+v, more %v;\nwant the log's first three, more true: %+v", got, more, log[:3])
			}
			if got, more := st.Committed(log[0].Pos, 1); !reflect.DeepEqual(got, log[1:2]) || !more {
				t.Errorf("Committed after a1, limit 1 = %v, more %v; want [a2], more true", idsOf(got), more)
			}
			if got, more := st.Committed(log[2].Pos, 100); len(got) != 0 || more {
				t.Errorf("Committed after a3 = %v, more %v; want nothing: b1 is another process's", idsOf(got), more)
			}
			if got, more := st.Committed(log[3].Pos, 100); !reflect.DeepEqual(got, log[4:]) || more {
				t.Errorf("Committed after b1 = %v, more %v; want [a4], more false", idsOf(got), more)
			}
			before := mohalla.Position{ID: log[3].Pos.ID - 1}
			if got, _ := other.Committed(before, 100); !reflect.DeepEqual(got, log[3:4]) {
				t.Errorf("the other store's Committed after %s = %v; want [b1] (the log: %v)", before, idsOf(got), log)
			}
		})
	}
}

var errRolledBack = errors.New("rolled back")

func idsOf(evs []mohalla.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}
