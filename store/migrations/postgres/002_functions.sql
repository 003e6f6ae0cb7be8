-- Runs of durable functions: one per (function, idempotency key), whatever
-- triggered it, so the same event never runs a function twice.
CREATE TABLE function_runs (
    id              text PRIMARY KEY,
    function_id     text NOT NULL,
    idempotency_key text NOT NULL,
    event_id        text NOT NULL DEFAULT '',
    input           jsonb,
    status          text NOT NULL,
    attempts        int NOT NULL DEFAULT 0,
    concurrency_key text NOT NULL DEFAULT '',
    cancel_key      text NOT NULL DEFAULT '',
    debounce_key    text,
    debounce_until  timestamptz,
    output          jsonb,
    error           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    ended_at        timestamptz,
    updated_at      timestamptz NOT NULL,
    UNIQUE (function_id, idempotency_key)
);
CREATE INDEX function_runs_function ON function_runs (function_id, created_at);
CREATE INDEX function_runs_status ON function_runs (status, updated_at);
CREATE INDEX function_runs_event ON function_runs (event_id);
CREATE INDEX function_runs_cancel ON function_runs (function_id, cancel_key) WHERE cancel_key <> '';
CREATE UNIQUE INDEX function_runs_debounce ON function_runs (function_id, debounce_key) WHERE status = 'queued' AND debounce_key IS NOT NULL;

-- The memo of each run's steps: a finished step is never executed again.
CREATE TABLE function_steps (
    run_id      text NOT NULL REFERENCES function_runs (id),
    step_id     text NOT NULL,
    kind        text NOT NULL,
    status      text NOT NULL,
    output      jsonb,
    error       text NOT NULL DEFAULT '',
    attempts    int NOT NULL DEFAULT 0,
    wake_at     timestamptz,
    wait        jsonb,
    job_id      bigint,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    duration_ms bigint NOT NULL DEFAULT 0,
    seq         int NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, step_id)
);
CREATE INDEX function_steps_waiting ON function_steps ((wait->>'event')) WHERE status = 'waiting';

-- Concurrency slots held by running attempts, with a lease so a crashed worker's
-- slot frees itself.
CREATE TABLE function_slots (
    function_id text NOT NULL,
    key         text NOT NULL,
    run_id      text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (function_id, key, run_id)
);
