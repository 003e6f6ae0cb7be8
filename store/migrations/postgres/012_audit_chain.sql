-- The audit trail made complete and tamper-evident (issue 12). Each row now names
-- the API key its actor presented, the shop its entity belongs to (so a shop
-- owner reads their own shops' rows), the request and the client's address, and
-- takes the next place in one hash chain: seq is its place, hash is
-- SHA-256(the previous row's hash || this row's canonical content). A row is
-- inserted without them and linked just after its commit (store.SealAudit);
-- rows written before this migration are linked first, in id order.
ALTER TABLE audit ADD COLUMN actor_key text NOT NULL DEFAULT '',
    ADD COLUMN shop_id text NOT NULL DEFAULT '',
    ADD COLUMN request_id text NOT NULL DEFAULT '',
    ADD COLUMN client_ip text NOT NULL DEFAULT '',
    ADD COLUMN seq bigint UNIQUE,
    ADD COLUMN hash bytea;
-- A shop owner reads their shops' rows through audit_shop; the admin's filters
-- by actor or action scan back from the newest row (an index each would cost
-- every audited write two more entries, and the trail is read rarely).
-- The rows not yet linked: the sealer's work list, a few rows at any time.
CREATE INDEX audit_unlinked ON audit (id) WHERE seq IS NULL;
CREATE INDEX audit_shop ON audit (shop_id, id) WHERE shop_id <> '';

-- The chain's head: the last linked row's place and hash. Sealers lock it to
-- take turns. anchor_seq and anchor_hash are where verification starts: the place and hash
-- of the last row pruned, were audit rows ever pruned (today none are).
CREATE TABLE audit_head (
    id          int PRIMARY KEY CHECK (id = 1),
    seq         bigint NOT NULL,
    hash        bytea NOT NULL,
    anchor_seq  bigint NOT NULL,
    anchor_hash bytea NOT NULL
);
INSERT INTO audit_head VALUES (1, 0, decode(repeat('00', 32), 'hex'), 0, decode(repeat('00', 32), 'hex'));

-- Append-only: no UPDATE, DELETE or TRUNCATE of audit, whoever asks, but for
-- the one update that links a row (seq and hash set where they were NULL, and
-- nothing else changed). (The function's body is on one line: the migration
-- runner splits at ";" and a newline.)
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_role, NEW.actor_key, NEW.action, NEW.entity, NEW.entity_id, NEW.shop_id, NEW.before, NEW.after, NEW.request_id, NEW.client_ip) IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor_id, OLD.actor_role, OLD.actor_key, OLD.action, OLD.entity, OLD.entity_id, OLD.shop_id, OLD.before, OLD.after, OLD.request_id, OLD.client_ip) THEN RETURN NEW; END IF; RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP; END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Row-level security (011): the sealer, a system caller, links rows; the
-- application may set seq and hash, once (the trigger above), and nothing else.
GRANT UPDATE (seq, hash) ON audit TO mohalla_app;
CREATE POLICY audit_link ON audit FOR UPDATE USING (app_role() = 'system');
