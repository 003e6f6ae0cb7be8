package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
)

// TestGroupCommitKeepsEachOutcome: writers that queue for SQLite's writer
// connection commit together in one transaction, and each keeps its own
// outcome: one that fails leaves none of its writes, one that panics panics
// on its own goroutine and leaves nothing, and one under which the whole
// transaction ends (here a raw ROLLBACK, as SQLite does on an interrupted
// write) takes only itself down: the others run again and commit. What the
// store keeps of its own commits (Committed) is then the log.
func TestGroupCommitKeepsEachOutcome(t *testing.T) {
	ctx := AsSystem(context.Background(), "test")
	st, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	// A transaction holds the connection while the writers queue behind it.
	holding, release := make(chan struct{}), make(chan struct{})
	blocked := make(chan error, 1)
	go func() {
		blocked <- st.InTx(ctx, func(*Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	const n = 24
	type outcome struct {
		err      error
		panicked any
		tx       *sql.Tx // the database transaction its last run was in
		runs     int
	}
	outcomes := make([]outcome, n)
	errFails := errors.New("this writer fails")
	kind := func(i int) string {
		switch {
		case i == 5:
			return "panics"
		case i == 11:
			return "ends the transaction"
		case i%4 == 1:
			return "fails"
		}
		return "commits"
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			o := &outcomes[i]
			defer func() { o.panicked = recover() }()
			o.err = st.InEventTx(ctx, func(tx *Tx) error {
				o.runs++
				o.tx, _ = tx.SQLTx()
				ev := mohalla.Event{ID: fmt.Sprintf("w%02d", i), Name: "test/group", Data: []byte(`{}`), TS: 1, V: "2"}
				if _, err := tx.AppendEvents(ctx, []mohalla.Event{ev}); err != nil {
					return err
				}
				switch kind(i) {
				case "panics":
					panic("writer 5 panics")
				case "ends the transaction":
					if _, err := o.tx.ExecContext(ctx, "ROLLBACK"); err != nil {
						return err
					}
					return errFails
				case "fails":
					return errFails
				}
				return nil
			})
		})
	}
	// Release the connection once every writer waits for it.
	for deadline := time.Now().Add(10 * time.Second); ; {
		st.group.mu.Lock()
		queued := len(st.group.waiting)
		st.group.mu.Unlock()
		if queued == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d writers queued", queued, n)
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if err := <-blocked; err != nil {
		t.Fatal(err)
	}

	var want []string
	var group *sql.Tx
	for i, o := range outcomes {
		switch kind(i) {
		case "commits":
			if o.err != nil || o.panicked != nil {
				t.Errorf("writer %d: %v, panic %v; want it committed", i, o.err, o.panicked)
			}
			want = append(want, fmt.Sprintf("w%02d", i))
			if group == nil {
				group = o.tx
			} else if o.tx != group {
				t.Errorf("writer %d committed in a transaction of its own; want all in one", i)
			}
		case "panics":
			if o.panicked != "writer 5 panics" || o.runs != 1 {
				t.Errorf("writer 5: panic %v after %d runs; want its own panic, once", o.panicked, o.runs)
			}
		default:
			if !errors.Is(o.err, errFails) || o.panicked != nil || o.runs != 1 {
				t.Errorf("writer %d (%s): %v, panic %v, %d runs; want its own error, once", i, kind(i), o.err, o.panicked, o.runs)
			}
		}
	}
	log, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(log))
	for i, e := range log {
		got[i] = e.ID
	}
	if slices.Sort(got); !slices.Equal(got, want) {
		t.Errorf("the log holds %v; want the committed writers' %v", got, want)
	}
	if mem, more := st.Committed(mohalla.Position{}, 100); more || len(mem) != len(log) {
		t.Errorf("Committed holds %d events (more %v); want the log's %d", len(mem), more, len(log))
	} else {
		for i := range mem {
			if mem[i].ID != log[i].ID || mem[i].Pos != log[i].Pos {
				t.Errorf("Committed[%d] = %s at %v; the log has %s at %v", i, mem[i].ID, mem[i].Pos, log[i].ID, log[i].Pos)
			}
		}
	}
}
