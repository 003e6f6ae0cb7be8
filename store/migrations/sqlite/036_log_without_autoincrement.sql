-- The event log and the audit trail without AUTOINCREMENT (issue 14), which
-- wrote their counters' row in sqlite_sequence at every insert: a page more
-- in every write's commit. A rowid is then one more than the largest in its
-- table, so it still counts up in commit order (writers take turns) and is
-- never given again as long as the newest row is never deleted: audit rows
-- never are (audit_no_delete), and pruning always keeps the newest event
-- (store.PruneEvents). The rows keep their ids.
CREATE TABLE events_new (
    seq      INTEGER PRIMARY KEY,
    event_id text NOT NULL UNIQUE,
    name     text NOT NULL,
    data     TEXT NOT NULL,
    caller   TEXT,
    ts       bigint NOT NULL,
    v        text NOT NULL DEFAULT ''
);
INSERT INTO events_new (seq, event_id, name, data, caller, ts, v) SELECT seq, event_id, name, data, caller, ts, v FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_name ON events (name, seq);

DROP TRIGGER audit_no_update;
DROP TRIGGER audit_no_delete;
CREATE TABLE audit_new (
    id         INTEGER PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    actor_id   text NOT NULL,
    actor_role text NOT NULL,
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    before     TEXT,
    after      TEXT,
    actor_key  text NOT NULL DEFAULT '',
    shop_id    text NOT NULL DEFAULT '',
    request_id text NOT NULL DEFAULT '',
    client_ip  text NOT NULL DEFAULT '',
    seq        INTEGER,
    hash       BLOB
);
INSERT INTO audit_new (id, at, actor_id, actor_role, action, entity, entity_id, before, after, actor_key, shop_id,
    request_id, client_ip, seq, hash)
SELECT id, at, actor_id, actor_role, action, entity, entity_id, before, after, actor_key, shop_id,
    request_id, client_ip, seq, hash FROM audit;
DROP TABLE audit;
ALTER TABLE audit_new RENAME TO audit;
CREATE INDEX audit_entity ON audit (entity, entity_id);
CREATE INDEX audit_unlinked ON audit (id) WHERE seq IS NULL;
CREATE INDEX audit_shop ON audit (shop_id, id) WHERE shop_id <> '';
CREATE UNIQUE INDEX audit_seq ON audit (seq) WHERE seq IS NOT NULL;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id AND NEW.actor_role IS OLD.actor_role
    AND NEW.actor_key IS OLD.actor_key AND NEW.action IS OLD.action AND NEW.entity IS OLD.entity
    AND NEW.entity_id IS OLD.entity_id AND NEW.shop_id IS OLD.shop_id AND NEW.before IS OLD.before
    AND NEW.after IS OLD.after AND NEW.request_id IS OLD.request_id AND NEW.client_ip IS OLD.client_ip)
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END;
DELETE FROM sqlite_sequence WHERE name IN ('events', 'audit')
