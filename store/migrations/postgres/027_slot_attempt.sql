-- A concurrency slot names the queue job of the attempt holding it. A run
-- re-queued from a dead node gets a new job (see RescueDeadNodes), so the
-- stale attempt, when it ends, frees only a slot its own job still holds,
-- never the one its run's current attempt took over.
ALTER TABLE function_slots ADD COLUMN job_id bigint NOT NULL DEFAULT 0;
