-- Two indexes that every write paid for and no query on SQLite reads (issue 14):
-- each was a page more in the WAL at every commit that appends an event or an
-- audit row. The log's reads filter by name with `($3 = '' OR name = $3)`
-- after a position, which SQLite plans as a range of seq (the rowid), never
-- through events_name; the audit list filters a shop owner's rows through
-- the shops they own inside the same kind of OR, which SQLite plans as a
-- range of id, never through audit_shop (store.TestSQLiteReadsUseNoDroppedIndex
-- keeps both true). PostgreSQL, whose planner does use them, keeps both.
DROP INDEX events_name;
DROP INDEX audit_shop;
