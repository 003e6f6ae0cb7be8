-- Each node's event-log followers' positions, recorded beside its heartbeat, so
-- the alerts' watch sees every node's lag, on whichever node it runs.
CREATE TABLE follower_positions (
    node_id    text NOT NULL,
    follower   text NOT NULL,
    tx         INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (node_id, follower)
);
