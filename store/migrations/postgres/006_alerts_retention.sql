-- Alerts: every occurrence of a condition operators are told of (a failed run,
-- drift, a lagging follower, a retry storm), firing or resolved. message_id is
-- the message that told of it, '' while it waits for its kind's next message.
CREATE TABLE alerts (
    id         text PRIMARY KEY,
    kind       text NOT NULL,
    subject    text NOT NULL DEFAULT '',
    state      text NOT NULL,
    summary    text NOT NULL,
    data       jsonb,
    at         timestamptz NOT NULL,
    message_id text NOT NULL DEFAULT ''
);
CREATE INDEX alerts_at ON alerts (at, id);
CREATE INDEX alerts_subject ON alerts (kind, subject, at);
CREATE INDEX alerts_pending ON alerts (kind) WHERE message_id = '';

-- The messages sent to operators: one per kind per window, counting the alerts
-- it tells of.
CREATE TABLE alert_messages (
    id      text PRIMARY KEY,
    kind    text NOT NULL,
    count   int NOT NULL,
    text    text NOT NULL,
    sent_at timestamptz NOT NULL
);
CREATE INDEX alert_messages_kind ON alert_messages (kind, sent_at);

-- Idempotency keys of pruned runs: a key outlives its run, so that a duplicate
-- event still runs nothing while the key is kept.
CREATE TABLE function_keys (
    function_id     text NOT NULL,
    idempotency_key text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (function_id, idempotency_key)
);
CREATE INDEX function_keys_created ON function_keys (created_at);

-- The newest position pruned from the event log: a follower whose cursor is
-- before it has missed events and must rebuild. One row, id 1.
CREATE TABLE log_horizon (
    id        int PRIMARY KEY,
    tx        bigint NOT NULL,
    seq       bigint NOT NULL,
    pruned_at timestamptz NOT NULL
);

-- When the event a marker counted happened (Unix ms), so markers can be pruned
-- once their day is final; 0 for markers written before this column.
ALTER TABLE analytics_processed ADD COLUMN ts bigint NOT NULL DEFAULT 0;
CREATE INDEX analytics_processed_ts ON analytics_processed (ts) WHERE ts > 0
