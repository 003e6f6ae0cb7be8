-- Issue 14: events_log_writer (migration 032) called its PL/pgSQL function
-- for every INSERT into events, and the function only checked that the
-- transaction had taken the log writer lock, which every store transaction
-- that appends has (InEventTx takes it as it begins): an order's events paid
-- a PL/pgSQL call to learn nothing. The check moves into the trigger's WHEN
-- clause, as audit_log_writer's (migration 041) and the guards of 033: the
-- executor evaluates it without entering PL/pgSQL, and the function, unchanged,
-- runs only for a writer that has not taken the lock, to take it or refuse.

DROP TRIGGER events_log_writer ON events;
CREATE TRIGGER events_log_writer BEFORE INSERT ON events FOR EACH STATEMENT
    WHEN (current_setting('app.log_writer', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION events_log_writer();
