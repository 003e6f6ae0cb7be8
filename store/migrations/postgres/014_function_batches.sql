-- Batched functions: a batch is a queued run that gathers events until it holds
-- its function's MaxSize or its Timeout passes. While it is open its
-- debounce_key holds the batch key (so one key has one open batch), batch_size
-- counts its events and batch_job is the River job that starts it. Each event
-- belongs to one batch of a function: the primary key says so, and finds an
-- event's batch runs.
ALTER TABLE function_runs ADD COLUMN batch_size int NOT NULL DEFAULT 0;
ALTER TABLE function_runs ADD COLUMN batch_job bigint;
CREATE TABLE function_batch_events (
    function_id text NOT NULL,
    event_id    text NOT NULL,
    run_id      text NOT NULL,
    PRIMARY KEY (event_id, function_id)
);
CREATE INDEX function_batch_events_run ON function_batch_events (run_id);
