-- A product's stock is at most a billion: the service caps every change, and
-- this holds the cap for any writer (store.MaxStock).
ALTER TABLE products ADD CONSTRAINT products_stock_max CHECK (stock <= 1000000000);
