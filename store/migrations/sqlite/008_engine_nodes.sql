-- The engine's nodes and their heartbeats: a live node re-queues the running
-- attempts of a node whose heartbeat stopped, long before River's rescuer would.
CREATE TABLE engine_nodes (
    id           text PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL
);
