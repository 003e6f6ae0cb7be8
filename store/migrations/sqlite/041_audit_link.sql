-- PostgreSQL now keeps an audit row's place and hash in audit_link, a row the
-- sealer writes after it (issue 14; see the PostgreSQL migration of the same
-- name). SQLite, whose writers take turns, links a row as it writes it, in
-- the row's own seq and hash (store.Tx.InsertAudit): the row is written once
-- here too, and the chain needs no table of its own. This view gives the
-- links the same shape on both stores, for reading the chain the same way
-- (tools, tests); the store's own queries read the columns.
CREATE VIEW audit_link AS SELECT seq, id AS audit_id, hash FROM audit WHERE seq IS NOT NULL;
-- A row inserted linked moves the chain's head to itself, in its own
-- statement (store.Tx.InsertAudit reads the head, then inserts).
CREATE TRIGGER audit_head_moves AFTER INSERT ON audit WHEN NEW.seq IS NOT NULL
BEGIN UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END
