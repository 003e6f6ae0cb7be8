-- log_visible_xid is the event log's visibility horizon for the statement that
-- runs next: every event of a transaction below it is committed (and visible
-- to that statement's snapshot) or rolled back for good. Call it in its own
-- statement, then read the log below it in the next (READ COMMITTED takes a
-- snapshot per statement).
--
-- pg_snapshot_xmin(pg_current_snapshot()), the horizon before, is the oldest
-- transaction running in the whole server, so a long transaction in any other
-- database held back the delivery of this database's events. Here, of the
-- transactions this call's snapshot shows running, those that have ended
-- since (their events, if any, are seen by the next statement) and those
-- running in another database (they cannot append to this log) do not count.
-- A transaction whose database cannot be read still counts, so no event is
-- ever skipped.
--
-- SECURITY DEFINER: AppRole sees other sessions' backend_xid as NULL (it is
-- not pg_read_all_stats), which would count every transaction, as before. The
-- owner that migrates the store reads them all if it is a superuser or has
-- pg_read_all_stats; otherwise the horizon is the server-wide one, still safe.
CREATE OR REPLACE FUNCTION log_visible_xid() RETURNS xid8
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog
AS $$
SELECT coalesce(
    (SELECT min(x) FROM pg_snapshot_xip(s) AS x
     WHERE pg_xact_status(x) = 'in progress'
       AND x::xid NOT IN (
         SELECT a.backend_xid FROM pg_stat_get_activity(NULL) AS a
         WHERE a.backend_xid IS NOT NULL
           AND a.datid IS DISTINCT FROM (SELECT oid FROM pg_database WHERE datname = current_database()))),
    pg_snapshot_xmax(s))
FROM pg_current_snapshot() AS s
$$;
