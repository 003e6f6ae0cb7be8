-- Row-level security made cheaper to plan, meaning the same (issue 12's cost).
--
-- What the policies cost an order is mostly not their checks, which are a
-- few comparisons of the session's settings per row, but their planning: a
-- statement on a table with policies is planned with them, and each of the
-- first five executions of a prepared statement on a connection (custom
-- plans), and the first after any invalidation of its tables, plans it
-- again. Measured on the order's UPDATE of products, as a customer:
-- planning it took about 200 µs more with the policies than without.
--
-- Most of that was the policies' helper functions. PostgreSQL inlines
-- app_user(), app_role(), app_reads_all() and app_writes_all() (011) where a
-- policy calls them, and to inline a function whose body is a string it parses
-- and analyses the string afresh at each call site: nine times for the
-- products update's policies alone. A body written as SQL-standard BEGIN
-- ATOMIC (PostgreSQL 14 and later) is kept parsed, and inlined from there.
-- On an older server the functions stay as they are. The bodies are the
-- same expressions.
--
-- app_owns_shop holds a subquery, which no SQL function may hold and still
-- be inlined; but PostgreSQL finds that out only after parsing and analysing
-- its body, and did so wherever a policy names it, in every plan, for every
-- caller (it is called only for shop owners: 023). In PL/pgSQL it is not a
-- candidate at all, and for the shop owners who call it its look-up is
-- planned once per connection instead of once per statement. It is the same
-- look-up, under shops' own policy as before (the function is not SECURITY
-- DEFINER), and as a STABLE function it sees the calling statement's
-- snapshot as before.
--
-- (Statements keep their ";" off the ends of lines: the migration runner
-- splits at ";" and a newline.)

DO $$ BEGIN IF current_setting('server_version_num')::int >= 140000 THEN
    EXECUTE $f$CREATE OR REPLACE FUNCTION app_user() RETURNS text LANGUAGE sql STABLE
        BEGIN ATOMIC SELECT nullif(current_setting('app.user_id', true), ''); END$f$
    ; EXECUTE $f$CREATE OR REPLACE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE
        BEGIN ATOMIC SELECT nullif(current_setting('app.role', true), ''); END$f$
    ; EXECUTE $f$CREATE OR REPLACE FUNCTION app_reads_all() RETURNS boolean LANGUAGE sql STABLE
        BEGIN ATOMIC SELECT coalesce(app_role() IN ('admin', 'service', 'system', 'projection'), false); END$f$
    ; EXECUTE $f$CREATE OR REPLACE FUNCTION app_writes_all() RETURNS boolean LANGUAGE sql STABLE
        BEGIN ATOMIC SELECT coalesce(app_role() IN ('admin', 'service', 'system'), false); END$f$
    ; END IF
; END $$;

CREATE OR REPLACE FUNCTION app_owns_shop(shop text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$ BEGIN
    RETURN app_role() = 'shop_owner' AND EXISTS (SELECT FROM shops WHERE id = shop AND owner_id = app_user())
    ; END $$;
