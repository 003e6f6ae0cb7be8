-- A product's stock is at most a billion: the service caps every change, and
-- this holds the cap for any writer (store.MaxStock). SQLite cannot add a CHECK
-- to a table in place, and rebuilding products would break the foreign keys of
-- order_items inside the migration's transaction, so two triggers enforce the
-- same condition and fail the statement as a CHECK would. (Each trigger's body
-- is on one line: the migration runner splits statements at ";" and a newline.)
CREATE TRIGGER products_stock_max_insert BEFORE INSERT ON products WHEN NEW.stock > 1000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: products_stock_max'); END;
CREATE TRIGGER products_stock_max_update BEFORE UPDATE OF stock ON products WHEN NEW.stock > 1000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: products_stock_max'); END;
