-- Issue 14: the two guard triggers an order meets called their PL/pgSQL
-- function for every row they watch, and the function only checked a
-- condition and returned: a customer's stock update (1.5 per order) and the
-- sealer's link of every audit row. The checks move into the triggers' WHEN
-- clauses, which the executor evaluates without entering PL/pgSQL; the
-- functions, unchanged, now run only for a change they refuse, and refuse it
-- as before (the same checks, the same errors). A row's permitted change
-- costs no function call: about 6.6 µs of the sealer's ~30-80 µs per audit row
-- (EXPLAIN ANALYZE's trigger time over 4,378 rows) and PL/pgSQL's share of an
-- order's stock updates.

DROP TRIGGER products_customer_guard ON products;
CREATE TRIGGER products_customer_guard BEFORE UPDATE ON products FOR EACH ROW
    WHEN (current_setting('app.role', true) = 'customer' AND (NEW.stock > OLD.stock
        OR (NEW.id, NEW.shop_id, NEW.name, NEW.description, NEW.price, NEW.category, NEW.unit,
            NEW.low_stock_threshold, NEW.deleted_at, NEW.created_at) IS DISTINCT FROM (OLD.id, OLD.shop_id,
            OLD.name, OLD.description, OLD.price, OLD.category, OLD.unit, OLD.low_stock_threshold,
            OLD.deleted_at, OLD.created_at)))
    EXECUTE FUNCTION products_customer_guard();

-- A DELETE trigger's WHEN may not name NEW: the update and the delete get a
-- trigger each, the delete's unconditional (named as SQLite's, which already
-- check in WHEN).
DROP TRIGGER audit_append_only ON audit;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW
    WHEN (NOT (OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
        AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_role, NEW.actor_key, NEW.action, NEW.entity, NEW.entity_id,
            NEW.shop_id, NEW.before, NEW.after, NEW.request_id, NEW.client_ip) IS NOT DISTINCT FROM (OLD.id, OLD.at,
            OLD.actor_id, OLD.actor_role, OLD.actor_key, OLD.action, OLD.entity, OLD.entity_id, OLD.shop_id,
            OLD.before, OLD.after, OLD.request_id, OLD.client_ip)))
    EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
