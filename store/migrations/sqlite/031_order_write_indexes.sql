-- As on PostgreSQL (issue 14): audit.seq is NULL until the sealer links the
-- row, and the chain is read by seq ranges, which imply seq IS NOT NULL, so
-- its unique index need not hold an entry for every unlinked row.
DROP INDEX audit_seq;
CREATE UNIQUE INDEX audit_seq ON audit (seq) WHERE seq IS NOT NULL;
