-- An audit row is written once (issue 14). The sealer linked each row into the
-- hash chain by updating it: a second copy of a wide row (its before and after
-- JSON), four more index entries (its three indexes and audit_seq) and about
-- 1 kB of WAL for every audited write, an order's included. A row's place and
-- hash now go to audit_link, one narrow row each, which the sealer inserts a
-- batch at a time; audit itself is never updated, and the sealer finds the
-- rows to link as the event log's followers find events: by the transaction
-- that wrote them, below the log's horizon (store.SealAudit). That takes the
-- index audit_position, which replaces audit_unlinked, and a transaction that
-- inserts audit rows must be a log writer from its start, as one that appends
-- events (migration 032; store.Store.InEventTx): the trigger below makes one
-- that is not fail instead of leaving a row the sealer would skip.

-- tx is the inserting transaction's id, as events.txid. Rows written before
-- this migration have none: the linked ones need none, the unlinked ones get
-- 1, before any transaction's, and are linked first, in id order.
ALTER TABLE audit ADD COLUMN tx xid8;
ALTER TABLE audit ALTER COLUMN tx SET DEFAULT pg_current_xact_id();

CREATE TABLE audit_link (
    seq      bigint PRIMARY KEY,
    audit_id bigint NOT NULL UNIQUE,
    hash     bytea NOT NULL
);
-- The owner reads and updates every row here: row-level security is off for
-- it until the end of this migration.
ALTER TABLE audit NO FORCE ROW LEVEL SECURITY;
INSERT INTO audit_link (seq, audit_id, hash) SELECT seq, id, hash FROM audit WHERE seq IS NOT NULL;
DROP TRIGGER audit_no_update ON audit;
UPDATE audit SET tx = '1' WHERE seq IS NULL;
ALTER TABLE audit FORCE ROW LEVEL SECURITY;
DROP POLICY audit_link ON audit;
ALTER TABLE audit DROP COLUMN seq, DROP COLUMN hash;
CREATE INDEX audit_position ON audit (tx, id);

-- No update of an audit row is allowed any more, the link's included.
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP; END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- The sealer's cursor: the last row linked, by (tx, id).
ALTER TABLE audit_head ADD COLUMN cursor_tx xid8 NOT NULL DEFAULT '0', ADD COLUMN cursor_id bigint NOT NULL DEFAULT 0;

-- Once a statement, before its first row's tx is assigned, as on events
-- (migration 032): it takes the log writer lock if this transaction has no id
-- yet, and fails if it has one and is not a log writer. (The body's lines do
-- not end in ";": the migration runner splits there.)
CREATE FUNCTION audit_log_writer() RETURNS trigger
    LANGUAGE plpgsql
AS $$ BEGIN
    IF pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'audit rows inserted by a transaction that wrote before it took the log writer lock'
            USING ERRCODE = '55000',
                  HINT = 'begin it with SELECT log_writer_begin() (store.Store.InEventTx), before its first write'
    ; END IF
    ; PERFORM log_writer_begin()
    ; RETURN NULL
; END $$;
CREATE TRIGGER audit_log_writer BEFORE INSERT ON audit FOR EACH STATEMENT
    WHEN (current_setting('app.log_writer', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_log_writer();

-- The links are append-only too; anyone who may read audit rows may read their
-- places and hashes, and only the sealer (a system caller) adds them.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_link FROM mohalla_app;
CREATE TRIGGER audit_link_no_change BEFORE UPDATE OR DELETE ON audit_link FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_link_no_truncate BEFORE TRUNCATE ON audit_link FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
ALTER TABLE audit_link ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_link FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_link_read ON audit_link FOR SELECT USING (true);
CREATE POLICY audit_link_insert ON audit_link FOR INSERT WITH CHECK (app_role() = 'system');
