-- Issue 14: every index of function_runs is written by every order (three
-- runs each), so keep only those a query reads. function_runs_function
-- (function_id, created_at) is read by none: nothing orders runs by
-- created_at, and the lookups by function (ListRuns, CountRuns) are served by
-- the unique (function_id, idempotency_key) index, which leads with
-- function_id. The partial indexes (cancel, debounce, concurrency key) stay:
-- a run without those keys writes no entry in them.
DROP INDEX function_runs_function;
