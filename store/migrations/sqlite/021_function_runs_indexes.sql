-- As on PostgreSQL: function_runs_function is read by no query (the unique
-- (function_id, idempotency_key) index serves lookups by function).
DROP INDEX function_runs_function;
