-- log_visible_xid (migration 032) in PL/pgSQL: the same query, the same
-- horizon, planned once a connection instead of at every call (issue 21).
-- A LANGUAGE sql function that cannot be inlined (032's has a SET clause and
-- a CTE) is parsed and planned afresh each time a statement calls it: about
-- 0.3 ms of the server's CPU for a read of pg_locks that costs 0.05 ms, and
-- the log's readers call it several times an order. PL/pgSQL keeps the
-- plan of its RETURN's query for the session.
--
-- 032's safety argument is unchanged. The RETURN's query is one statement
-- of a VOLATILE function: it takes a snapshot S of its own when it starts
-- (after the calling statement's), pg_current_snapshot() is that S, and it
-- reads the locks L while it runs, after S. The caller's next statement
-- takes its snapshot after the function returned, so after L.
-- (The body's lines do not end in ";": the migration runner splits there.)
CREATE OR REPLACE FUNCTION log_visible_xid() RETURNS xid8
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog
AS $$ BEGIN
    RETURN (
        WITH l AS MATERIALIZED (
            SELECT locktype, virtualtransaction, transactionid, classid, objid, objsubid, database, mode, granted
            FROM pg_locks WHERE locktype IN ('advisory', 'transactionid')),
        writer AS (
            SELECT x.transactionid FROM l AS w JOIN l AS x USING (virtualtransaction)
            WHERE w.locktype = 'advisory' AND w.classid = 7171944 AND w.objid = 7106407 AND w.objsubid = 2
              AND w.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND x.locktype = 'transactionid' AND x.mode = 'ExclusiveLock' AND x.granted)
        SELECT coalesce(
            (SELECT min(s) FROM pg_snapshot_xip(pg_current_snapshot()) AS s
             WHERE s::xid IN (SELECT transactionid FROM writer)),
            pg_snapshot_xmax(pg_current_snapshot())))
; END $$;
