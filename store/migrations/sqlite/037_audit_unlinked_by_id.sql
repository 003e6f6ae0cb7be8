-- The sealer finds the unlinked audit rows as those after the chain's head
-- (store.unlinkedSQL): on SQLite ids count up in commit order (migration 036)
-- and rows are linked in id order, so they are always the last ones. The
-- partial index of unlinked rows cost every audited write an entry, and its
-- seal a deletion (issue 14).
DROP INDEX audit_unlinked
