-- A run's status changes several times; with neither status nor updated_at
-- indexed, those updates are heap-only (HOT) and write no index. The debounce
-- index needs no status: a run's debounce key is cleared when it starts or ends.
DROP INDEX function_runs_status;
DROP INDEX function_runs_debounce;
CREATE UNIQUE INDEX function_runs_debounce ON function_runs (function_id, debounce_key) WHERE debounce_key IS NOT NULL;
ALTER TABLE function_runs SET (fillfactor = 80);
