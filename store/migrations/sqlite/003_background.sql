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
-- are written in one transaction.
CREATE TABLE analytics_processed (
    consumer text NOT NULL,
    event_id text NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE analytics_product_daily (
    product_id text NOT NULL,
    day        text NOT NULL,
    shop_id    text NOT NULL,
    units      bigint NOT NULL DEFAULT 0,
    orders     bigint NOT NULL DEFAULT 0,
    revenue    bigint NOT NULL DEFAULT 0,
    views      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, day)
);
CREATE INDEX analytics_product_daily_shop ON analytics_product_daily (shop_id, day);

CREATE TABLE analytics_shop_daily (
    shop_id       text NOT NULL,
    day           text NOT NULL,
    orders        bigint NOT NULL DEFAULT 0,
    revenue       bigint NOT NULL DEFAULT 0,
    cancellations bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id, day)
);

CREATE TABLE analytics_customers (
    user_id        text PRIMARY KEY,
    orders         bigint NOT NULL DEFAULT 0,
    spend          bigint NOT NULL DEFAULT 0,
    first_order_at TIMESTAMP,
    last_order_at  TIMESTAMP
);

-- When each order entered each status, for the funnel's time-in-status.
CREATE TABLE analytics_order_status (
    order_id   text NOT NULL,
    status     text NOT NULL,
    entered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (order_id, status)
);

CREATE TABLE analytics_funnel (
    status   text PRIMARY KEY,
    entered  bigint NOT NULL DEFAULT 0,
    exited   bigint NOT NULL DEFAULT 0,
    total_ms bigint NOT NULL DEFAULT 0
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
