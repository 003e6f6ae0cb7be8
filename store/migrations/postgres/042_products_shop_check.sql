-- Issue 14: a product's shop is checked once per statement, not once per row.
-- The foreign key products.shop_id -> shops.id ran PostgreSQL's referential
-- check for every row inserted: a cached query and a KEY SHARE lock of the
-- shop's row each (a MultiXact when two batches hold the same shop), about
-- 9-10 µs of a batch's products insert per row, a thousand times for one
-- shop's batch of a thousand. The same guarantee, as triggers:
--
-- * an insert's rows are checked together, after the statement, against
--   shops: each shop named is locked FOR KEY SHARE (once, not once a row),
--   and a row naming no shop fails the statement with foreign_key_violation
--   (23503), as the foreign key did. An update that changes a product's
--   shop_id (the application never does) is checked row by row. A
--   repeatable-read inserter that a shop's removal overtook fails on the
--   lock ("concurrent delete"), as with the foreign key.
-- * removing a shop, or changing its id, while a product names it fails with
--   foreign_key_violation. An insert that passed its check holds its shops'
--   KEY SHARE locks to its end, so the removal waits for it, and its check,
--   after the statement, sees the insert's products: in a READ COMMITTED
--   transaction only, whose every statement reads what has committed by its
--   start (the foreign key's own check reads with a snapshot taken there and
--   then, which a trigger cannot), so it is refused in any other. The
--   application removes no shop.
--
-- Both functions read as the system (their SET clause), so that row-level
-- security neither hides a shop from the check nor a product from a removal.
ALTER TABLE products DROP CONSTRAINT products_shop_id_fkey;

CREATE FUNCTION products_shop_check() RETURNS trigger LANGUAGE plpgsql SET app.role = 'system' AS $$ BEGIN PERFORM FROM shops s WHERE s.id IN (SELECT n.shop_id FROM new_products n) FOR KEY SHARE OF s; IF EXISTS (SELECT FROM new_products n WHERE NOT EXISTS (SELECT FROM shops s WHERE s.id = n.shop_id)) THEN RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'insert or update on table "products" violates its shop reference: a row names no shop'; END IF; RETURN NULL; END $$;
CREATE TRIGGER products_shop_insert AFTER INSERT ON products REFERENCING NEW TABLE AS new_products
    FOR EACH STATEMENT EXECUTE FUNCTION products_shop_check();

CREATE FUNCTION products_shop_row_check() RETURNS trigger LANGUAGE plpgsql SET app.role = 'system' AS $$ BEGIN PERFORM FROM shops s WHERE s.id = NEW.shop_id FOR KEY SHARE OF s; IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = format('insert or update on table "products" violates its shop reference: no shop has the id %L', NEW.shop_id); END IF; RETURN NULL; END $$;
CREATE TRIGGER products_shop_update AFTER UPDATE OF shop_id ON products FOR EACH ROW
    WHEN (NEW.shop_id IS DISTINCT FROM OLD.shop_id) EXECUTE FUNCTION products_shop_row_check();

CREATE FUNCTION shops_products_check() RETURNS trigger LANGUAGE plpgsql SET app.role = 'system' AS $$ BEGIN IF current_setting('transaction_isolation') <> 'read committed' THEN RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state', MESSAGE = 'a shop is removed, or its id changed, in a READ COMMITTED transaction: only there can its products be checked'; END IF; IF EXISTS (SELECT FROM products p WHERE p.shop_id = OLD.id) THEN RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = format('update or delete on table "shops" violates the shop reference of products: products name shop %L', OLD.id); END IF; RETURN NULL; END $$;
CREATE TRIGGER shops_products_delete AFTER DELETE ON shops FOR EACH ROW EXECUTE FUNCTION shops_products_check();
CREATE TRIGGER shops_products_update AFTER UPDATE OF id ON shops FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION shops_products_check();
