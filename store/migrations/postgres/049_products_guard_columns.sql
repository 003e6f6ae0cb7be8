-- products_customer_guard's WHEN (migration 033) compared ten columns of the
-- old and the new row. The executor builds a trigger's WHEN from its stored
-- text for each UPDATE statement it runs, so every order's stock update
-- parsed that comparison anew (stringToNode under ExecBRUpdateTriggers, about
-- 4% of PostgreSQL's CPU in bench orders). The guard becomes two column
-- triggers: one fires only for an UPDATE whose SET names a column a customer
-- may not change (an order's names none of them, so nothing is parsed for
-- it), and one for an UPDATE of stock, with a WHEN of one comparison, for a
-- customer's stock going up. The function is unchanged and refuses as before.

DROP TRIGGER products_customer_guard ON products;
CREATE TRIGGER products_customer_guard
    BEFORE UPDATE OF id, shop_id, name, description, price, category, unit, low_stock_threshold, deleted_at, created_at
    ON products FOR EACH ROW
    WHEN (current_setting('app.role', true) = 'customer')
    EXECUTE FUNCTION products_customer_guard();
CREATE TRIGGER products_customer_stock_guard BEFORE UPDATE OF stock ON products FOR EACH ROW
    WHEN (current_setting('app.role', true) = 'customer' AND NEW.stock > OLD.stock)
    EXECUTE FUNCTION products_customer_guard();
