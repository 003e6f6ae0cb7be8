-- PostgreSQL now keeps an audit row's place and hash in audit_link, a row the
-- sealer writes after it (issue 14; see the PostgreSQL migration of the same
-- name). SQLite keeps them in the row's own seq and hash: this view gives the
-- links the same shape on both stores, for reading the chain the same way
-- (tools, tests); the store's own queries read the columns.
CREATE VIEW audit_link AS SELECT seq, id AS audit_id, hash FROM audit WHERE seq IS NOT NULL
