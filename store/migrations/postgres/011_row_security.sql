-- Row-level security: the second wall behind market/authorize.go. The store's
-- queries run as mohalla_app (store.AppRole), which owns nothing, with the
-- caller's id and role in app.user_id and app.role (store.WithCaller); these
-- policies mirror authorize.go's rules from them. No caller set (both '') means
-- no tenant row is visible or writable. The migrations, run as the tables'
-- owner, are not checked until FORCE below; the owner's own sessions then see
-- nothing either unless they set a caller, but they never query tenant tables.
-- (Each plpgsql body keeps its statements' ";" off the ends of lines: the
-- migration runner splits statements at ";" and a newline.)

-- The role is cluster-wide: databases migrated in parallel (the tests) race to
-- create it, and the loser's duplicate is not an error. A managed PostgreSQL
-- whose operator created it already needs no CREATEROLE here.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mohalla_app') THEN CREATE ROLE mohalla_app NOLOGIN NOINHERIT; END IF
; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;

-- The store switches to the role in each transaction, which needs membership
-- unless the owner is a superuser.
DO $$ BEGIN
    IF NOT pg_has_role(current_user, 'mohalla_app', 'MEMBER') THEN EXECUTE format('GRANT mohalla_app TO %I', current_user); END IF
; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;

GRANT USAGE ON SCHEMA public TO mohalla_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mohalla_app;
-- The audit trail is append-only to the application.
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM mohalla_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mohalla_app;
-- Tables and sequences later migrations create are the application's to use
-- too; a later migration that holds tenant data adds its policies, and one
-- that must be append-only revokes what the application may not do.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mohalla_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO mohalla_app;

-- The caller, '' read as NULL: a NULL never equals an id, and no role test
-- passes for it. Plain SQL functions, inlined into the policies' plans.
CREATE FUNCTION app_user() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '') $$;
CREATE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.role', true), '') $$;
-- Admins and services (authorize.go's Privileged) and the background callers
-- read everything; only the projections' callers may not write.
CREATE FUNCTION app_reads_all() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT coalesce(app_role() IN ('admin', 'service', 'system', 'projection'), false) $$;
CREATE FUNCTION app_writes_all() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT coalesce(app_role() IN ('admin', 'service', 'system'), false) $$;
-- A shop owner acting for the shop they own. The look-up of shops runs under
-- shops' own policy, which lets every caller read every shop.
CREATE FUNCTION app_owns_shop(shop text) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT app_role() = 'shop_owner' AND EXISTS (SELECT FROM shops WHERE id = shop AND owner_id = app_user()) $$;

-- users: yourself (any role: authReadUser's self), or everyone if privileged.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_read ON users FOR SELECT USING (app_reads_all() OR id = app_user());
CREATE POLICY users_insert ON users FOR INSERT WITH CHECK (app_writes_all() OR id = app_user());
CREATE POLICY users_update ON users FOR UPDATE USING (app_writes_all() OR id = app_user());
CREATE POLICY users_delete ON users FOR DELETE USING (app_writes_all());

-- shops: anyone with a caller reads them (anonymous included); a shop owner
-- creates and changes their own.
ALTER TABLE shops ENABLE ROW LEVEL SECURITY;
ALTER TABLE shops FORCE ROW LEVEL SECURITY;
CREATE POLICY shops_read ON shops FOR SELECT USING (app_role() IS NOT NULL);
CREATE POLICY shops_insert ON shops FOR INSERT
    WITH CHECK (app_writes_all() OR (app_role() = 'shop_owner' AND owner_id = app_user()));
CREATE POLICY shops_update ON shops FOR UPDATE
    USING (app_writes_all() OR (app_role() = 'shop_owner' AND owner_id = app_user()));
CREATE POLICY shops_delete ON shops FOR DELETE USING (app_writes_all());

-- products: anyone reads them (the API shows a discontinued one by its id,
-- marked so); their shop's owner writes them. A customer's order takes stock
-- (and a row lock: FOR UPDATE needs the update policy) of products on sale,
-- and products_customer_guard below keeps that to taking stock.
ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE products FORCE ROW LEVEL SECURITY;
CREATE POLICY products_read ON products FOR SELECT USING (app_role() IS NOT NULL);
CREATE POLICY products_insert ON products FOR INSERT WITH CHECK (app_writes_all() OR app_owns_shop(shop_id));
CREATE POLICY products_update ON products FOR UPDATE
    USING (app_writes_all() OR app_owns_shop(shop_id) OR (app_role() = 'customer' AND deleted_at IS NULL));
CREATE POLICY products_delete ON products FOR DELETE USING (app_writes_all() OR app_owns_shop(shop_id));
CREATE FUNCTION products_customer_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF NEW.stock > OLD.stock OR (NEW.id, NEW.shop_id, NEW.name, NEW.description, NEW.price, NEW.category, NEW.unit,
        NEW.low_stock_threshold, NEW.deleted_at, NEW.created_at) IS DISTINCT FROM (OLD.id, OLD.shop_id, OLD.name,
        OLD.description, OLD.price, OLD.category, OLD.unit, OLD.low_stock_threshold, OLD.deleted_at, OLD.created_at)
    THEN RAISE EXCEPTION 'a customer may only take stock of a product' USING ERRCODE = 'insufficient_privilege'
    ; END IF; RETURN NEW; END $$;
CREATE TRIGGER products_customer_guard BEFORE UPDATE ON products FOR EACH ROW
    WHEN (current_setting('app.role', true) = 'customer') EXECUTE FUNCTION products_customer_guard();

-- orders: the customer's own, their shop's for a shop owner (authReadOrder);
-- placed by a customer for themself (authCreateOrder); changed by the shop's
-- owner (authChangeOrderStatus).
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_read ON orders FOR SELECT
    USING (app_reads_all() OR user_id = app_user() OR app_owns_shop(shop_id));
CREATE POLICY orders_insert ON orders FOR INSERT
    WITH CHECK (app_writes_all() OR (app_role() = 'customer' AND user_id = app_user()));
CREATE POLICY orders_update ON orders FOR UPDATE USING (app_writes_all() OR app_owns_shop(shop_id));
CREATE POLICY orders_delete ON orders FOR DELETE USING (app_writes_all());

-- order_items: as their order. The subquery runs under orders' policies.
ALTER TABLE order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_items FORCE ROW LEVEL SECURITY;
CREATE POLICY order_items_read ON order_items FOR SELECT USING (EXISTS (SELECT FROM orders o WHERE o.id = order_id));
CREATE POLICY order_items_insert ON order_items FOR INSERT
    WITH CHECK (app_writes_all() OR EXISTS (SELECT FROM orders o WHERE o.id = order_id AND o.user_id = app_user()));
CREATE POLICY order_items_write ON order_items FOR UPDATE USING (app_writes_all());
CREATE POLICY order_items_delete ON order_items FOR DELETE USING (app_writes_all());

-- notifications: a user reads their own (authReadNotifications); the
-- functions that send them write them.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY notifications_read ON notifications FOR SELECT USING (app_reads_all() OR user_id = app_user());
CREATE POLICY notifications_write ON notifications FOR ALL USING (app_writes_all()) WITH CHECK (app_writes_all());

-- A shop's webhook and its deliveries: the shop's owner (authManageShop).
ALTER TABLE shop_webhooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE shop_webhooks FORCE ROW LEVEL SECURITY;
CREATE POLICY shop_webhooks_read ON shop_webhooks FOR SELECT USING (app_reads_all() OR app_owns_shop(shop_id));
CREATE POLICY shop_webhooks_write ON shop_webhooks FOR ALL
    USING (app_writes_all() OR app_owns_shop(shop_id)) WITH CHECK (app_writes_all() OR app_owns_shop(shop_id));
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_deliveries_read ON webhook_deliveries FOR SELECT USING (app_reads_all() OR app_owns_shop(shop_id));
CREATE POLICY webhook_deliveries_write ON webhook_deliveries FOR ALL USING (app_writes_all()) WITH CHECK (app_writes_all());

-- Analytics: a shop's rows to its owner; written only by the analytics
-- functions. A customer's own counters to the customer; the processed
-- markers to no tenant.
ALTER TABLE analytics_product_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_product_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY analytics_product_daily_read ON analytics_product_daily FOR SELECT USING (app_reads_all() OR app_owns_shop(shop_id));
CREATE POLICY analytics_product_daily_write ON analytics_product_daily FOR ALL USING (app_writes_all()) WITH CHECK (app_writes_all());
ALTER TABLE analytics_shop_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_shop_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY analytics_shop_daily_read ON analytics_shop_daily FOR SELECT USING (app_reads_all() OR app_owns_shop(shop_id));
CREATE POLICY analytics_shop_daily_write ON analytics_shop_daily FOR ALL USING (app_writes_all()) WITH CHECK (app_writes_all());
ALTER TABLE analytics_order_status ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_order_status FORCE ROW LEVEL SECURITY;
CREATE POLICY analytics_order_status_read ON analytics_order_status FOR SELECT USING (app_reads_all() OR app_owns_shop(shop_id));
CREATE POLICY analytics_order_status_write ON analytics_order_status FOR ALL USING (app_writes_all()) WITH CHECK (app_writes_all());
ALTER TABLE analytics_funnel ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_funnel FORCE ROW LEVEL SECURITY;
CREATE POLICY analytics_funnel_read ON analytics_funnel FOR SELECT USING (app_reads_all() OR app_owns_shop(shop_id));
CREATE POLICY analytics_funnel_write ON analytics_funnel FOR ALL USING (app_writes_all()) WITH CHECK (app_writes_all());
ALTER TABLE analytics_customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_customers FORCE ROW LEVEL SECURITY;
CREATE POLICY analytics_customers_read ON analytics_customers FOR SELECT USING (app_reads_all() OR user_id = app_user());
CREATE POLICY analytics_customers_write ON analytics_customers FOR ALL USING (app_writes_all()) WITH CHECK (app_writes_all());
ALTER TABLE analytics_processed ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_processed FORCE ROW LEVEL SECURITY;
CREATE POLICY analytics_processed_all ON analytics_processed FOR ALL USING (app_reads_all()) WITH CHECK (app_writes_all());

-- API keys: admins manage them (authManageAPIKeys); the system caller that
-- checks a presented key reads them.
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY api_keys_read ON api_keys FOR SELECT USING (app_role() IN ('admin', 'service', 'system'));
CREATE POLICY api_keys_write ON api_keys FOR ALL USING (app_role() IN ('admin', 'system')) WITH CHECK (app_role() IN ('admin', 'system'));

-- The event log holds every tenant's payloads: any caller's write appends to
-- it, only privileged and background callers read it (authEvents), only the
-- system (retention) deletes from it. A writer sees the events of its own
-- transaction, which its INSERT … RETURNING reads back.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_read ON events FOR SELECT USING (app_reads_all() OR txid = pg_current_xact_id_if_assigned());
CREATE POLICY events_insert ON events FOR INSERT WITH CHECK (app_role() IS NOT NULL);
CREATE POLICY events_delete ON events FOR DELETE USING (app_role() = 'system');

-- The audit trail: written by the caller it names (or a privileged one); read
-- by privileged callers, by the actor, and by a shop owner for their shop and
-- its products and orders.
ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_insert ON audit FOR INSERT WITH CHECK (app_writes_all() OR actor_id = app_user());
-- An order's rows are read by whoever may read the order (the EXISTS runs
-- under orders' own policy: its customer, its shop's owner); a shop's and a
-- product's by anyone with a caller, as the entities themselves are (the
-- market hides from them who acted from where).
CREATE POLICY audit_read ON audit FOR SELECT USING (app_reads_all() OR actor_id = app_user()
    OR CASE entity
        WHEN 'shop' THEN app_role() IS NOT NULL
        WHEN 'product' THEN app_role() IS NOT NULL
        WHEN 'order' THEN EXISTS (SELECT FROM orders o WHERE o.id = entity_id)
        ELSE false END);
