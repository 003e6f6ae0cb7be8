-- An order appends about 2.5 events, each with an entry in four indexes
-- (issue 14). The primary key on seq is one no query reads on PostgreSQL:
-- the log is read by (txid, seq) through events_position, an event by its
-- envelope id through the unique index on event_id (look-ups, the runs'
-- joins, retention's deletes, an event sent twice), and by name through
-- events_name. seq comes from its sequence and is unique without an index.
-- The envelope id becomes the primary key, in place of its unique
-- constraint: an event costs three index entries, not four.
ALTER TABLE events DROP CONSTRAINT events_pkey, DROP CONSTRAINT events_event_id_key, ADD PRIMARY KEY (event_id)
