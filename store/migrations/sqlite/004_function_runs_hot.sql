-- Fewer indexes to write on each status change of a run. The debounce index
-- needs no status: a run's debounce key is cleared when it starts or ends.
DROP INDEX function_runs_status;
DROP INDEX function_runs_debounce;
CREATE UNIQUE INDEX function_runs_debounce ON function_runs (function_id, debounce_key) WHERE debounce_key IS NOT NULL;
