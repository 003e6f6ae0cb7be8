-- Flow control of durable functions. A run records why it was delayed,
-- skipped or cancelled (reason), and the time a throttle let it start no
-- sooner than (delayed_until), which keeps its place in line across restarts.
ALTER TABLE function_runs ADD COLUMN reason text NOT NULL DEFAULT '';
ALTER TABLE function_runs ADD COLUMN delayed_until timestamptz;
-- Singletons find a key's unfinished runs by their concurrency key.
CREATE INDEX function_runs_key ON function_runs (function_id, concurrency_key) WHERE concurrency_key <> '';

-- A throttle's line per key: when the next run queued may start.
CREATE TABLE function_throttles (
    function_id text NOT NULL,
    key         text NOT NULL,
    reserved    timestamptz NOT NULL,
    PRIMARY KEY (function_id, key)
);

-- The runs a throttle let start in its last period, per key.
CREATE TABLE function_throttle_starts (
    function_id text NOT NULL,
    key         text NOT NULL,
    run_id      text NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (function_id, key, run_id)
);

-- The runs a rate limit let through in its last period, per key.
CREATE TABLE function_rate_hits (
    function_id text NOT NULL,
    key         text NOT NULL,
    run_id      text NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (function_id, key, run_id)
);
