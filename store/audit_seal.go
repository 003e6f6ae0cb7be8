package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
)

// Audit rows are inserted unlinked and joined to the hash chain
// afterwards, in batches, by SealAudit: a write that audits then holds no lock
// of the chain, so concurrent orders commit (and share their WAL flushes) as
// they would without an audit row, where linking in the write itself would
// hold the chain's head from the insert through the commit and make every
// audited write commit one after another. A row is linked within about
// sealDelay of its commit (sealEvery if another process wrote it); until then
// VerifyAudit counts it as pending. On PostgreSQL the link is a row of
// audit_link, so the audit row is written once (migration 041); on SQLite it
// is the row's own seq and hash, set by an UPDATE. (Linking in the write on
// SQLite, whose writers take turns anyway, was measured: bench orders' SQLite
// rate fell by about a tenth, as every group commit then wrote the head's and
// audit_seq's pages, which the sealer writes once a second.)

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
		kicked := false
		select {
		case <-ctx.Done():
			return
		case <-s.sealer.kicks:
			select {
			case <-ctx.Done():
				return
			case <-time.After(sealDelay):
			}
			kicked = true
		case <-t.C:
		}
		// Most ticks find nothing: ask a reader before taking the head's lock
		// (on SQLite, the writer). A kick came from a commit that inserted rows.
		var pending bool
		if kicked {
			pending = true
		} else if err := s.Read().q.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit WHERE `+s.d.sql(unlinkedSQL)+`)`).Scan(&pending); err != nil {
			continue
		}
		if !pending {
			continue
		}
		if _, err := s.SealAudit(ctx); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "linking audit rows into the chain failed", slog.Any("err", err))
		}
	}
}

// unlinkedSQL selects the audit rows not yet linked into the chain. On
// PostgreSQL, whose ids are handed out before their transactions commit, in
// any order, the sealer reads the rows in the order of the transactions that
// wrote them, as the event log's followers read events, and keeps its cursor
// (the last row linked) in audit_head: the unlinked rows are those after it
// (through the index audit_position). On SQLite ids count up in commit order
// and rows are linked in id order, so the linked rows are always the first
// ones, in seq order too: the unlinked rows are those after the linked row
// with the largest seq, found through audit_seq and the primary key
// (migration 037).
var unlinkedSQL = query{
	postgres: `(tx, id) > (SELECT cursor_tx, cursor_id FROM audit_head WHERE id = 1)`,
	sqlite:   `id > coalesce((SELECT a.id FROM audit a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1), 0)`,
}

// SealAudit links the audit rows not yet in the chain into it and returns how
// many it linked: on PostgreSQL the rows whose transactions are below the
// event log's horizon (every such transaction has ended), in the order of
// (tx, id); on SQLite in id order. Each row gets the next place (seq) and its
// hash; the head moves to the last. Sealers of several processes take turns
// on the head's row lock.
func (s *Store) SealAudit(ctx context.Context) (int, error) {
	ctx = AsSystem(ctx, "audit-sealer") // linking every row is the system's, whoever asks
	total := 0
	for {
		n := 0
		err := s.InTx(WithOperation(ctx, "seal_audit"), func(tx *Tx) error {
			n = 0
			var (
				seq      int64
				prev     []byte
				cursorTx string
				cursorID int64
			)
			if err := tx.q.queryRow(ctx, tx.d.sql(auditHeadSQL)).Scan(&seq, &prev, &cursorTx, &cursorID); err != nil {
				return fmt.Errorf("audit head: %w", err)
			}
			// A read of the horizon started now, shared with the store's
			// other readers (ReadHorizon): the next statement's snapshot is
			// taken after it ended, whichever connection made it.
			horizon, err := tx.logHorizon(ctx)
			if err != nil {
				return fmt.Errorf("audit horizon: %w", err)
			}
			rs, err := tx.q.query(ctx, tx.d.sql(unlinkedAuditSQL), cursorTx, cursorID, strconv.FormatInt(horizon.Tx, 10))
			if err != nil {
				return err
			}
			var rows []mohalla.AuditEntry
			for rs.Next() {
				a, err := scanAudit(rs, &cursorTx)
				if err != nil {
					rs.Close()
					return err
				}
				rows = append(rows, a)
			}
			if err := rs.Err(); err != nil || len(rows) == 0 {
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
			_, err = tx.q.exec(ctx, tx.d.sql(moveAuditHeadSQL), seq, prev, cursorTx, ids[len(ids)-1])
			return err
		})
		total += n
		if err != nil || n < sealBatch {
			return total, err
		}
	}
}

// auditHeadSQL reads the chain's head for SealAudit, and on PostgreSQL locks
// it and reads the sealer's cursor.
var auditHeadSQL = query{
	postgres: `SELECT seq, hash, cursor_tx::text, cursor_id FROM audit_head WHERE id = 1 FOR UPDATE`,
	sqlite:   `SELECT seq, hash, '', 0 FROM audit_head WHERE id = 1`,
}

// unlinkedAuditSQL reads the next rows SealAudit links, after the cursor ($1,
// $2) and below the log's horizon ($3) on PostgreSQL, each with its tx. The
// order names the table's columns: a bare "tx" in ORDER BY is the output
// column "tx::text" (SQL's rule), which sorted the rows as text, every row
// past the cursor read and sorted for each batch of sealBatch (about 18 µs of
// PostgreSQL's CPU an audit row in bench import, against ~3 in index order),
// and which put a tx of more digits before a smaller one ("100" < "99"), so
// the cursor could pass rows it had not linked.
var unlinkedAuditSQL = query{
	postgres: `SELECT ` + auditContentColumns + `, 0, NULL::bytea, tx::text FROM audit
		WHERE (tx, id) > ($1::text::xid8, $2) AND tx < $3::text::xid8 ORDER BY audit.tx, audit.id LIMIT ` + strconv.Itoa(sealBatch),
	sqlite: `SELECT ` + auditColumns + `, '' FROM audit WHERE ` + unlinkedSQL.sqlite + ` ORDER BY id LIMIT ` + strconv.Itoa(sealBatch),
}

// moveAuditHeadSQL moves the head to the last row linked: its place $1, its
// hash $2, and on PostgreSQL the cursor ($3, $4).
var moveAuditHeadSQL = query{
	postgres: `UPDATE audit_head SET seq = $1, hash = $2, cursor_tx = $3::text::xid8, cursor_id = $4 WHERE id = 1`,
	sqlite:   `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`,
}

// linkAudit links the audit rows ids at the places seqs with hashes, in one
// statement: on PostgreSQL rows of audit_link; on SQLite (in process) their
// own columns, the rows given as one JSON array of [id, seq, hex hash], not
// a statement a row (50 a seal at 50 audited writes a second, about a fifth
// of a seal's CPU samples).
func (tx *Tx) linkAudit(ctx context.Context, ids, seqs []int64, hashes [][]byte) error {
	var err error
	if tx.d.kind == Postgres {
		_, err = tx.q.exec(ctx, tx.d.sql(linkAuditSQL), ids, seqs, hashes)
	} else {
		_, err = tx.q.exec(ctx, tx.d.sql(linkAuditSQL), auditLinks(ids, seqs, hashes))
	}
	if err != nil {
		return fmt.Errorf("link audit rows: %w", err)
	}
	return nil
}

// auditLinks is SQLite's linkAuditSQL argument: [[id, seq, "hex hash"], ...].
func auditLinks(ids, seqs []int64, hashes [][]byte) string {
	b := make([]byte, 0, len(ids)*(len(hashes[0])*2+32)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, id, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, seqs[i], 10)
		b = append(b, ",\""...)
		b = hex.AppendEncode(b, hashes[i])
		b = append(b, "\"]"...)
	}
	return string(append(b, ']'))
}

// linkAuditSQL links the audit rows in one statement; on SQLite, the json_each
// rows drive a lookup of each audit row by id.
var linkAuditSQL = query{
	postgres: `INSERT INTO audit_link (audit_id, seq, hash)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])`,
	sqlite: `UPDATE audit SET seq = j.value ->> 1, hash = unhex(j.value ->> 2)
			FROM json_each($1) AS j WHERE audit.id = j.value ->> 0`,
}
