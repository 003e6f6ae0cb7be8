-- The event log's horizon counts only the transactions that append events
-- (issue 21). Before, log_visible_xid (migration 020) was the oldest
-- transaction of this database still running, so every write with an id held
-- the delivery of every event back: an order's, River's fetch and complete,
-- the audit sealer's. Now a transaction that appends events declares itself
-- a log writer before it has an id, and the horizon is the oldest log
-- writer's id still running.
--
-- The rule: a transaction takes the log writer lock (a shared advisory lock,
-- transaction-scoped, in the key space below) before its id is assigned, and
-- holds it to its end. log_writer_begin() takes it, or fails if it is too
-- late; the store calls it in the BEGIN of a transaction that will append
-- (store.Store.InEventTx), and a trigger on events calls it before any insert
-- that did not, so a writer that breaks the rule fails instead of losing
-- events.
--
-- Why the horizon is then safe. log_visible_xid's one statement takes its
-- snapshot S before it runs, then reads the locks L (pg_locks: the writer
-- locks and, by the same virtual transaction, the ids they hold). It returns
-- H, the least id of S's running transactions that L shows holding the writer
-- lock, or S's xmax if none. Take an event below H, of transaction T, id x.
-- x < H <= xmax, so x was assigned before S.
--   - If S does not show x running, T had ended before S.
--   - If it does, L shows no writer lock beside x: T took that lock before x
--     was assigned, so before S and before L, and holds it (and its id's own
--     lock) until after it has left the running transactions. Not shown in
--     L, T had ended before L was read.
-- Either way T has ended before the reader's next statement takes its
-- snapshot: the event is visible to it, or rolled back for good. A writer
-- whose id is assigned after S has an id >= xmax >= H, so the reader does not
-- read that far. Subtransactions: an event's txid is its top-level
-- transaction's id (pg_current_xact_id), assigned before any of its
-- subtransactions' ids, and a lock or setting taken in a subtransaction that
-- rolls back is released with it, so it cannot vouch for what comes after.
-- A prepared transaction keeps its locks under a virtual transaction of its
-- own, so it still counts.
--
-- app.log_writer marks, for the trigger's cheap check, that this transaction
-- took the lock in time; it is transaction-local, set only here.
-- (The bodies' lines do not end in ";": the migration runner splits there.)
CREATE FUNCTION log_writer_begin() RETURNS void
    LANGUAGE plpgsql VOLATILE
AS $$ BEGIN
    IF pg_catalog.current_setting('app.log_writer', true) = 'on' THEN RETURN
    ; END IF
    ; IF pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'events appended by a transaction that wrote before it took the log writer lock'
            USING ERRCODE = '55000',
                  HINT = 'begin it with SELECT log_writer_begin() (store.Store.InEventTx), before its first write'
    ; END IF
    -- The key space: "moh", "log".
    ; PERFORM pg_catalog.pg_advisory_xact_lock_shared(7171944, 7106407)
    ; PERFORM pg_catalog.set_config('app.log_writer', 'on', true)
; END $$;

CREATE FUNCTION events_log_writer() RETURNS trigger
    LANGUAGE plpgsql
AS $$ BEGIN
    IF pg_catalog.current_setting('app.log_writer', true) IS DISTINCT FROM 'on' THEN PERFORM log_writer_begin()
    ; END IF
    ; RETURN NULL
; END $$;

-- Once a statement: its first row's txid is assigned after the trigger.
CREATE TRIGGER events_log_writer BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_log_writer();

-- SECURITY DEFINER no longer: pg_locks shows every session's locks to any
-- role, where pg_stat_activity hid their ids from AppRole.
CREATE OR REPLACE FUNCTION log_visible_xid() RETURNS xid8
    LANGUAGE sql VOLATILE SET search_path = pg_catalog
AS $$
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
    pg_snapshot_xmax(pg_current_snapshot()))
$$;
