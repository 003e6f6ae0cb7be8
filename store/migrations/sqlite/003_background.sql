-- Every message the marketplace sends: emails and shop notifications. The id is
-- derived from the run and step that sent it, so a retry finds its own record.
CREATE TABLE notifications (
    id                text PRIMARY KEY,
    user_id           text NOT NULL,
    shop_id           text NOT NULL DEFAULT '',
    channel           text NOT NULL,
    template          text NOT NULL,
    recipient         text NOT NULL DEFAULT '',
    subject           text NOT NULL DEFAULT '',
    data              TEXT,
    status            text NOT NULL,
    attempts          int NOT NULL DEFAULT 0,
    provider_response text NOT NULL DEFAULT '',
    message_id        text NOT NULL DEFAULT '',
    event_id          text NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_shop ON notifications (shop_id, id);

CREATE TABLE shop_webhooks (
    shop_id    text PRIMARY KEY REFERENCES shops (id),
    url        text NOT NULL,
    secret     text NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id text NOT NULL,
    shop_id         text NOT NULL,
    url             text NOT NULL,
    attempt         int NOT NULL,
    status_code     int NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    duration_ms     bigint NOT NULL DEFAULT 0,
    at              TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_notification ON webhook_deliveries (notification_id, id);

-- Analytics. Each (consumer, event) is counted once: the counters and this row
-- are written in one transaction. Days are calendar days (YYYY-MM-DD) in the
-- analytics time zone; times are event timestamps in Unix milliseconds.
CREATE TABLE analytics_processed (
    consumer text NOT NULL,
    event_id text NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

-- Sales count on the day the order was placed; cancelled_* are the part of those
-- same orders cancelled since, so net = gross - cancelled.
CREATE TABLE analytics_product_daily (
    product_id        text NOT NULL,
    day               text NOT NULL,
    shop_id           text NOT NULL,
    orders            bigint NOT NULL DEFAULT 0,
    units             bigint NOT NULL DEFAULT 0,
    revenue           bigint NOT NULL DEFAULT 0,
    cancelled_orders  bigint NOT NULL DEFAULT 0,
    cancelled_units   bigint NOT NULL DEFAULT 0,
    cancelled_revenue bigint NOT NULL DEFAULT 0,
    views             bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, day)
);
CREATE INDEX analytics_product_daily_shop ON analytics_product_daily (shop_id, day);
CREATE INDEX analytics_product_daily_day ON analytics_product_daily (day);

-- As above per shop; cancellations counts the cancellations made on the day.
CREATE TABLE analytics_shop_daily (
    shop_id           text NOT NULL,
    day               text NOT NULL,
    orders            bigint NOT NULL DEFAULT 0,
    revenue           bigint NOT NULL DEFAULT 0,
    cancelled_orders  bigint NOT NULL DEFAULT 0,
    cancelled_revenue bigint NOT NULL DEFAULT 0,
    cancellations     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id, day)
);

CREATE TABLE analytics_customers (
    user_id          text PRIMARY KEY,
    orders           bigint NOT NULL DEFAULT 0,
    spend            bigint NOT NULL DEFAULT 0,
    cancelled_orders bigint NOT NULL DEFAULT 0,
    cancelled_spend  bigint NOT NULL DEFAULT 0,
    first_order_ts   bigint,
    last_order_ts    bigint
);

-- When each order entered and left each status. Either may be recorded first,
-- since functions do not run in event order; the funnel counts a stay's time when
-- both are known.
CREATE TABLE analytics_order_status (
    order_id   text NOT NULL,
    status     text NOT NULL,
    shop_id    text NOT NULL,
    entered_ts bigint,
    exited_ts  bigint,
    PRIMARY KEY (order_id, status)
);

-- Per shop, status and day of entering it: how many orders entered, how many
-- of those left, and their total time in the status.
CREATE TABLE analytics_funnel (
    shop_id  text NOT NULL,
    day      text NOT NULL,
    status   text NOT NULL,
    entered  bigint NOT NULL DEFAULT 0,
    exited   bigint NOT NULL DEFAULT 0,
    total_ms bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id, day, status)
);

-- The sync monitor's checks.
CREATE TABLE sync_checks (
    id          text PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    duration_ms bigint NOT NULL,
    drift       INTEGER NOT NULL,
    findings    TEXT NOT NULL,
    repaired    TEXT NOT NULL
);
