-- The audit trail made complete and tamper-evident (issue 12). Each row now names
-- the API key its actor presented, the shop its entity belongs to (so a shop
-- owner reads their own shops' rows), the request and the client's address, and
-- takes the next place in one hash chain: seq is its place, hash is
-- SHA-256(the previous row's hash || this row's canonical content), computed as
-- the row is inserted (store.InsertAudit). Rows written before this migration
-- have no place (seq NULL) and stay outside the chain.
ALTER TABLE audit ADD COLUMN actor_key text NOT NULL DEFAULT '',
    ADD COLUMN shop_id text NOT NULL DEFAULT '',
    ADD COLUMN request_id text NOT NULL DEFAULT '',
    ADD COLUMN client_ip text NOT NULL DEFAULT '',
    ADD COLUMN seq bigint UNIQUE,
    ADD COLUMN hash bytea;
CREATE INDEX audit_actor ON audit (actor_id, id);
CREATE INDEX audit_action ON audit (action, id);
CREATE INDEX audit_shop ON audit (shop_id, id) WHERE shop_id <> '';

-- The chain's head: the last row's place and hash. Every insert updates it in
-- the same statement, so its row lock orders concurrent writers into one chain
-- (held only from the insert, the last statement of a write, to the commit).
-- anchor_seq and anchor_hash are where verification starts: the place and hash
-- of the last row pruned, were audit rows ever pruned (today none are).
CREATE TABLE audit_head (
    id          int PRIMARY KEY CHECK (id = 1),
    seq         bigint NOT NULL,
    hash        bytea NOT NULL,
    anchor_seq  bigint NOT NULL,
    anchor_hash bytea NOT NULL
);
INSERT INTO audit_head VALUES (1, 0, decode(repeat('00', 32), 'hex'), 0, decode(repeat('00', 32), 'hex'));

-- Append-only: no UPDATE, DELETE or TRUNCATE of audit, whoever asks. (The
-- function's body is on one line: the migration runner splits at ";" and a newline.)
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP; END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
