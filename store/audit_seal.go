package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Audit rows are inserted unlinked and joined to the hash chain afterwards, in
// batches, by SealAudit: a write that audits then holds no lock of the chain,
// so concurrent orders commit (and share their WAL flushes) as they would
// without an audit row, where linking in the write itself would hold the
// chain's head from the insert through the commit and make every audited
// write commit one after another. A row is linked within about sealDelay of
// its commit (sealEvery if another process wrote it); until then VerifyAudit
// counts it as pending.

// sealEvery is how often the sealer looks for unlinked rows besides being
// kicked by this process's commits that inserted them: it finds the rows of
// another process (a seed beside the server). Long, so a node at rest sleeps.
const sealEvery = 5 * time.Second

// sealBatch bounds the rows one sealing transaction links.
const sealBatch = 500

// sealDelay is how long the sealer waits after a kick, so that one sealing
// transaction links the rows of many writes, under load and at a steady
// 50 audited writes a second alike (at 100ms it sealed about 10 times a
// second there; at 250ms, 4 times, 5–10% of the server's CPU at 50 writes
// a second on SQLite, most of it each seal's own statements and commit).
const sealDelay = time.Second

// sealer is a store's background loop running SealAudit.
type sealer struct {
	kicks  chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (s *Store) startSealer() {
	ctx, cancel := context.WithCancel(AsSystem(context.Background(), "audit-sealer"))
	s.sealer = sealer{kicks: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go s.sealLoop(ctx)
}

func (s *Store) stopSealer() {
	s.sealer.once.Do(func() {
		s.sealer.cancel()
		<-s.sealer.done
	})
}

// kick asks the loop to seal soon, without waiting.
func (k *sealer) kick() {
	select {
	case k.kicks <- struct{}{}:
	default:
	}
}

func (s *Store) sealLoop(ctx context.Context) {
	defer close(s.sealer.done)
	t := time.NewTicker(sealEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.sealer.kicks:
			select {
			case <-ctx.Done():
				return
			case <-time.After(sealDelay):
			}
		case <-t.C:
		}
		// Most ticks find nothing: ask a reader before taking the head's lock
		// (on SQLite, the writer).
		var pending bool
		if err := s.Read().q.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit WHERE `+s.d.sql(unlinkedSQL)+`)`).Scan(&pending); err != nil || !pending {
			continue
		}
		if _, err := s.SealAudit(ctx); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "linking audit rows into the chain failed", slog.Any("err", err))
		}
	}
}

// unlinkedSQL selects the audit rows not yet linked into the chain. On
// PostgreSQL, whose ids are handed out before their transactions commit, in
// any order, that is seq IS NULL (the partial index audit_unlinked). On
// SQLite ids count up in commit order and the sealer links rows in id order,
// so the linked rows are always the first ones, in seq order too: the
// unlinked rows are those after the linked row with the largest seq, found
// through audit_seq and the primary key, and no index of its own costs
// every audited write an entry (migration 037).
var unlinkedSQL = query{
	postgres: `seq IS NULL`,
	sqlite:   `id > coalesce((SELECT a.id FROM audit a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1), 0)`,
}

// SealAudit links the audit rows not yet in the chain into it, in the order of
// their ids, and returns how many it linked. Each row gets the next place
// (seq) and its hash; the head moves to the last. Sealers of several
// processes take turns on the head's row lock.
func (s *Store) SealAudit(ctx context.Context) (int, error) {
	ctx = AsSystem(ctx, "audit-sealer") // linking every row is the system's, whoever asks
	total := 0
	for {
		n := 0
		err := s.InTx(WithOperation(ctx, "seal_audit"), func(tx *Tx) error {
			n = 0
			var (
				seq  int64
				prev []byte
			)
			if err := tx.q.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+s.d.forUpdate).Scan(&seq, &prev); err != nil {
				return fmt.Errorf("audit head: %w", err)
			}
			rows, err := tx.audit(ctx, `WHERE `+s.d.sql(unlinkedSQL)+` ORDER BY id LIMIT `+fmt.Sprint(sealBatch))
			if err != nil || len(rows) == 0 {
				return err
			}
			ids, seqs, hashes := make([]int64, len(rows)), make([]int64, len(rows)), make([][]byte, len(rows))
			for i, a := range rows {
				seq++
				prev = chainHash(prev, canonical(&a))
				ids[i], seqs[i], hashes[i] = a.ID, seq, prev
			}
			if err := tx.linkAudit(ctx, ids, seqs, hashes); err != nil {
				return err
			}
			n = len(rows)
			_, err = tx.q.exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, prev)
			return err
		})
		total += n
		if err != nil || n < sealBatch {
			return total, err
		}
	}
}

// linkAudit sets the place and hash of the audit rows ids: on PostgreSQL in
// one statement, on SQLite (in process) one by one.
func (tx *Tx) linkAudit(ctx context.Context, ids, seqs []int64, hashes [][]byte) error {
	if sql := tx.d.sql(linkAuditSQL); sql != "" {
		_, err := tx.q.exec(ctx, sql, ids, seqs, hashes)
		if err != nil {
			return fmt.Errorf("link audit rows: %w", err)
		}
		return nil
	}
	for i, id := range ids {
		if _, err := tx.q.exec(ctx, `UPDATE audit SET seq = $1, hash = $2 WHERE id = $3`, seqs[i], hashes[i], id); err != nil {
			return fmt.Errorf("link audit row %d: %w", id, err)
		}
	}
	return nil
}

// linkAuditSQL links the audit rows in one statement: PostgreSQL's only, which
// binds arrays.
var linkAuditSQL = query{postgres: `UPDATE audit SET seq = u.seq, hash = u.hash
			FROM unnest($1::bigint[], $2::bigint[], $3::bytea[]) AS u(id, seq, hash) WHERE audit.id = u.id`}
