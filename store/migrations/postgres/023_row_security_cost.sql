-- Row-level security made cheaper, meaning the same (issue 12's cost).
--
-- app_owns_shop (011) holds a subquery, and PostgreSQL inlines no SQL
-- function that has one: every row a policy naming it checked called it as a
-- function, which for each statement plans its body afresh and then runs an
-- executor of its own per row. A customer's order paid that on each product
-- line it took stock from (products_update asked app_owns_shop before the
-- customer's own term), about 90 µs of PostgreSQL CPU a line, most of what
-- the policies cost an order. Each policy below asks the caller's role first,
-- which is inlined and read from the session's settings, and calls
-- app_owns_shop only for a shop owner; products_update asks the customer's
-- term first, the one an order meets. The meaning is the same:
-- app_owns_shop(x) is (app_role() = 'shop_owner' AND its look-up), and OR and
-- AND of terms without side effects mean the same in any order.
--
-- (Writing the look-up out as an EXISTS instead, which the planner would
-- plan with the statement, was tried: it costs every caller its subplans'
-- set-up in each statement, about 10 µs a product line more than this.)

ALTER POLICY products_insert ON products WITH CHECK (app_writes_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(products.shop_id)));
ALTER POLICY products_update ON products USING ((app_role() = 'customer' AND deleted_at IS NULL) OR app_writes_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(products.shop_id)));
ALTER POLICY products_delete ON products USING (app_writes_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(products.shop_id)));

ALTER POLICY orders_read ON orders USING (app_reads_all() OR user_id = app_user()
    OR (app_role() = 'shop_owner' AND app_owns_shop(orders.shop_id)));
ALTER POLICY orders_update ON orders USING (app_writes_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(orders.shop_id)));

ALTER POLICY shop_webhooks_read ON shop_webhooks USING (app_reads_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(shop_webhooks.shop_id)));
ALTER POLICY shop_webhooks_write ON shop_webhooks
    USING (app_writes_all()
        OR (app_role() = 'shop_owner' AND app_owns_shop(shop_webhooks.shop_id)))
    WITH CHECK (app_writes_all()
        OR (app_role() = 'shop_owner' AND app_owns_shop(shop_webhooks.shop_id)));
ALTER POLICY webhook_deliveries_read ON webhook_deliveries USING (app_reads_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(webhook_deliveries.shop_id)));

ALTER POLICY analytics_product_daily_read ON analytics_product_daily USING (app_reads_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(analytics_product_daily.shop_id)));
ALTER POLICY analytics_shop_daily_read ON analytics_shop_daily USING (app_reads_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(analytics_shop_daily.shop_id)));
ALTER POLICY analytics_order_status_read ON analytics_order_status USING (app_reads_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(analytics_order_status.shop_id)));
ALTER POLICY analytics_funnel_read ON analytics_funnel USING (app_reads_all()
    OR (app_role() = 'shop_owner' AND app_owns_shop(analytics_funnel.shop_id)));
