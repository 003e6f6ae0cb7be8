-- Issue 14: an order updates 1.5 products' stock, and the update is
-- heap-only (no index entry in products' three indexes) only when the row's
-- page has room for the new version. At fillfactor 90 (migration 031) a page
-- had room for about four new versions until pruning freed the old ones,
-- which it cannot while a transaction that may still see them is open: under
-- load (benches at load average 18-25) 0.4-1.4 of the 1.5 updates were
-- heap-only. At 70 a page keeps room for about a dozen. The table of 3,000
-- products takes about 30% more pages. The setting governs rows inserted
-- from now on: an existing store's full pages stay as they are.
ALTER TABLE products SET (fillfactor = 70);
