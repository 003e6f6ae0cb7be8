package store

import (
	"context"
	"time"

	"github.com/mohallamart/mohalla"
)

// AddToBatch adds an event to the open batch of (function, key): the queued run
// whose debounce key is key. The batch closes (its key is cleared, so the next
// event opens another) when it holds maxSize events. It returns the run's id,
// the River job that starts it and whether the batch is now full, or
// ErrNotFound if no batch of key is open. On PostgreSQL the run's row stays
// locked until the transaction ends, so the writers of one key take turns and
// the run cannot start (StartRun) while an event is being added.
func (tx *Tx) AddToBatch(ctx context.Context, functionID, key, eventID string, maxSize int, now time.Time) (
	runID string, jobID int64, full bool, err error) {
	var size int
	err = tx.q.queryRow(ctx, `UPDATE function_runs SET batch_size = batch_size + 1, updated_at = $4,
		debounce_key = CASE WHEN batch_size + 1 >= $3 THEN NULL ELSE debounce_key END
		WHERE function_id = $1 AND debounce_key = $2 AND status = 'queued'
		RETURNING id, batch_size, coalesce(batch_job, 0)`, functionID, key, maxSize, now).Scan(&runID, &size, &jobID)
	if err != nil {
		return "", 0, false, err
	}
	if err := tx.addBatchEvent(ctx, functionID, eventID, runID); err != nil {
		return "", 0, false, err
	}
	return runID, jobID, size >= maxSize, nil
}

// OpenedBatch records the first event of a batch run just inserted (see
// InsertRuns, with the batch key as the run's debounce key) and the River job
// that starts it, with the reason the run history shows.
func (tx *Tx) OpenedBatch(ctx context.Context, functionID, runID, eventID string, jobID int64, reason string) error {
	if _, err := tx.q.exec(ctx, `UPDATE function_runs SET batch_size = 1, batch_job = $2, reason = $3 WHERE id = $1`,
		runID, jobID, reason); err != nil {
		return err
	}
	return tx.addBatchEvent(ctx, functionID, eventID, runID)
}

// addBatchEvent records that an event belongs to a batch run. The primary key
// (function, event) refuses a second batch for the same event.
func (tx *Tx) addBatchEvent(ctx context.Context, functionID, eventID, runID string) error {
	_, err := tx.q.exec(ctx, `INSERT INTO function_batch_events (function_id, event_id, run_id) VALUES ($1, $2, $3)`,
		functionID, eventID, runID)
	return err
}

// BatchEvents returns the events of a batch run in log order; none for a run
// that is not a batch.
func (q *Q) BatchEvents(ctx context.Context, runID string) ([]mohalla.Event, error) {
	rs, err := q.q.query(ctx, `SELECT `+q.d.posTx+`, e.seq, e.event_id, e.name, CAST(e.data AS text),
		coalesce(CAST(e.caller AS text), ''), e.ts, e.v
		FROM function_batch_events b JOIN events e ON e.event_id = b.event_id
		WHERE b.run_id = $1 ORDER BY 1, 2`, runID)
	if err != nil {
		return nil, err
	}
	return scanEvents(rs)
}
