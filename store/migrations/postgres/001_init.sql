CREATE TABLE users (
    id         text PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    name       text NOT NULL,
    phone      text NOT NULL DEFAULT '',
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE shops (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    owner_id   text NOT NULL REFERENCES users (id),
    lat        double precision NOT NULL,
    lng        double precision NOT NULL,
    pincode    text NOT NULL,
    address    text NOT NULL DEFAULT '',
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX shops_owner_id ON shops (owner_id);

CREATE TABLE products (
    id                  text PRIMARY KEY,
    shop_id             text NOT NULL REFERENCES shops (id),
    name                text NOT NULL,
    description         text NOT NULL DEFAULT '',
    price               bigint NOT NULL CHECK (price >= 0),
    category            text NOT NULL,
    unit                text NOT NULL DEFAULT '',
    stock               bigint NOT NULL CHECK (stock >= 0),
    low_stock_threshold bigint NOT NULL DEFAULT 10,
    version             bigint NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz
);
CREATE INDEX products_shop_id ON products (shop_id, id);
CREATE INDEX products_category ON products (category, id);

CREATE TABLE orders (
    id         text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id),
    shop_id    text NOT NULL REFERENCES shops (id),
    total      bigint NOT NULL,
    status     text NOT NULL,
    address    jsonb NOT NULL,
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX orders_user_id ON orders (user_id, id);
CREATE INDEX orders_shop_id ON orders (shop_id, id);

CREATE TABLE order_items (
    order_id   text NOT NULL REFERENCES orders (id),
    line       int NOT NULL,
    product_id text NOT NULL REFERENCES products (id),
    name       text NOT NULL,
    quantity   bigint NOT NULL CHECK (quantity > 0),
    price      bigint NOT NULL,
    PRIMARY KEY (order_id, line)
);

-- The event log. txid stamps each row with its writing transaction, so followers
-- can read in commit order without skipping rows of transactions that commit late.
CREATE TABLE events (
    seq      bigserial PRIMARY KEY,
    txid     xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id text NOT NULL UNIQUE,
    name     text NOT NULL,
    data     jsonb NOT NULL,
    caller   jsonb,
    ts       bigint NOT NULL,
    v        text NOT NULL DEFAULT ''
);
CREATE INDEX events_position ON events (txid, seq);
CREATE INDEX events_name ON events (name, seq);

-- Append-only record of sensitive operations.
CREATE TABLE audit (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor_id   text NOT NULL,
    actor_role text NOT NULL,
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    before     jsonb,
    after      jsonb
);
CREATE INDEX audit_entity ON audit (entity, entity_id);

-- Results of idempotent creates: the same key with the same request returns the
-- same resource, with a different request it is a conflict.
CREATE TABLE idempotency (
    scope        text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    resource_id  text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
