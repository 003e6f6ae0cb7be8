-- The audit trail made complete and tamper-evident (issue 12); see the
-- PostgreSQL migration of the same name. SQLite serializes writers, so the
-- head row needs no lock to keep one chain.
ALTER TABLE audit ADD COLUMN actor_key text NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN shop_id text NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN request_id text NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN client_ip text NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN seq INTEGER;
ALTER TABLE audit ADD COLUMN hash BLOB;
CREATE UNIQUE INDEX audit_seq ON audit (seq);
-- A shop owner reads their shops' rows through audit_shop; the admin's filters
-- by actor or action scan back from the newest row (an index each would cost
-- every audited write two more entries, and the trail is read rarely).
-- The rows not yet linked: the sealer's work list, a few rows at any time.
CREATE INDEX audit_unlinked ON audit (id) WHERE seq IS NULL;
CREATE INDEX audit_shop ON audit (shop_id, id) WHERE shop_id <> '';

CREATE TABLE audit_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         INTEGER NOT NULL,
    hash        BLOB NOT NULL,
    anchor_seq  INTEGER NOT NULL,
    anchor_hash BLOB NOT NULL
);
INSERT INTO audit_head VALUES (1, 0, zeroblob(32), 0, zeroblob(32));

-- Append-only: no UPDATE or DELETE of audit, but for the one update that links
-- a row (seq and hash set where they were NULL, nothing else changed). (Each
-- trigger's body is on one line: the migration runner splits statements at ";"
-- and a newline.)
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id AND NEW.actor_role IS OLD.actor_role
    AND NEW.actor_key IS OLD.actor_key AND NEW.action IS OLD.action AND NEW.entity IS OLD.entity
    AND NEW.entity_id IS OLD.entity_id AND NEW.shop_id IS OLD.shop_id AND NEW.before IS OLD.before
    AND NEW.after IS OLD.after AND NEW.request_id IS OLD.request_id AND NEW.client_ip IS OLD.client_ip)
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END;
