package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
)

// The batch writes of products and stock (market's UpsertProducts and
// ChangeStocks) pass their rows as one JSON array parameter, read as a table by
// recordSet: one statement for any number of rows, with no limit on bound
// parameters, on either store.

// recordCol is a column of a recordSet: its JSON key and PostgreSQL type.
type recordCol struct{ name, typ string }

// recordSet returns SQL for a table named v of the objects of the JSON array
// parameter param, and the SQL of each column's value by name.
func (q *Q) recordSet(param string, cols []recordCol) (from string, col func(name string) string) {
	return q.d.recordSet(param, cols)
}

// pgRecordSet is PostgreSQL's recordSet.
func pgRecordSet(param string, cols []recordCol) (from string, col func(name string) string) {
	defs := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = c.name + " " + c.typ
	}
	return "jsonb_to_recordset(" + param + "::jsonb) AS v(" + strings.Join(defs, ", ") + ")",
		func(name string) string { return "v." + name }
}

// sqliteRecordSet is SQLite's recordSet.
func sqliteRecordSet(param string, _ []recordCol) (from string, col func(name string) string) {
	return "json_each(" + param + ") AS v", func(name string) string { return "json_extract(v.value, '$." + name + "')" }
}

// idIn returns SQL saying that col is one of the ids of parameter $1, whose
// argument idArg makes: on PostgreSQL a text array, which costs it about half
// what a JSON array unpacked into rows does (0.9 against 1.8 µs of its CPU an
// id, locking a batch's products); on SQLite a JSON array.
func (q *Q) idIn(col string) string {
	if q.d.kind == Postgres {
		return col + " = ANY($1::text[])"
	}
	return col + " IN (SELECT value FROM json_each($1))"
}

// idArg is the argument of idIn's parameter: ids, in the form idIn reads.
func (q *Q) idArg(ids []string) any {
	if q.d.kind == Postgres {
		return ids
	}
	return idList(ids)
}

// ProductOwner is who may manage a product: the shop selling it and the shop's owner.
type ProductOwner struct {
	ShopID, OwnerID string
}

// ShopOwners returns the owner id of each shop of ids that exists, by shop id.
func (q *Q) ShopOwners(ctx context.Context, ids []string) (map[string]string, error) {
	rs, err := q.q.query(ctx, `SELECT id, owner_id FROM shops WHERE `+q.idIn("id"), q.idArg(ids))
	type pair struct{ id, owner string }
	ps, err := collect(rs, err, func(r row) (p pair, err error) { err = r.Scan(&p.id, &p.owner); return p, err })
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ps))
	for _, p := range ps {
		out[p.id] = p.owner
	}
	return out, nil
}

// ProductOwners returns the shop and owner of each product of ids that exists,
// discontinued or not, by product id.
func (q *Q) ProductOwners(ctx context.Context, ids []string) (map[string]ProductOwner, error) {
	rs, err := q.q.query(ctx, `SELECT p.id, p.shop_id, s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id
		WHERE `+q.idIn("p.id"), q.idArg(ids))
	type row3 struct {
		id string
		ProductOwner
	}
	ps, err := collect(rs, err, func(r row) (p row3, err error) { err = r.Scan(&p.id, &p.ShopID, &p.OwnerID); return p, err })
	if err != nil {
		return nil, err
	}
	out := make(map[string]ProductOwner, len(ps))
	for _, p := range ps {
		out[p.id] = p.ProductOwner
	}
	return out, nil
}

// ProductsForUpdate returns the products of ids that exist and the caller may
// change, locking their rows (in id order, so two batches cannot deadlock on
// them) until the transaction ends. On PostgreSQL, row-level security leaves
// out the rows the caller may read but not change: Products finds those.
func (tx *Tx) ProductsForUpdate(ctx context.Context, ids []string) (map[string]mohalla.Product, error) {
	return tx.products(ctx, ids, ` ORDER BY id`+tx.d.forUpdate)
}

// Products returns the products of ids that exist, discontinued or not, by id.
func (q *Q) Products(ctx context.Context, ids []string) (map[string]mohalla.Product, error) {
	return q.products(ctx, ids, "")
}

func (q *Q) products(ctx context.Context, ids []string, suffix string) (map[string]mohalla.Product, error) {
	rs, err := q.q.query(ctx, `SELECT `+productColumns+` FROM products WHERE `+q.idIn("id")+suffix, q.idArg(ids))
	ps, err := collect(rs, err, scanProduct)
	if err != nil {
		return nil, err
	}
	out := make(map[string]mohalla.Product, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// productRecord is a product as a row of a recordSet.
type productRecord struct {
	ID                string `json:"id"`
	ShopID            string `json:"shop_id,omitempty"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	Price             int64  `json:"price"`
	Category          string `json:"category"`
	Unit              string `json:"unit"`
	Stock             int64  `json:"stock"`
	LowStockThreshold int64  `json:"low_stock_threshold"`
	Version           int64  `json:"version"`
}

var productRecordCols = []recordCol{{"id", "text"}, {"shop_id", "text"}, {"name", "text"}, {"description", "text"},
	{"price", "bigint"}, {"category", "text"}, {"unit", "text"}, {"stock", "bigint"}, {"low_stock_threshold", "bigint"},
	{"version", "bigint"}}

func productRecords(ps []mohalla.Product) (string, error) {
	rs := make([]productRecord, len(ps))
	for i, p := range ps {
		rs[i] = productRecord{ID: p.ID, ShopID: p.ShopID, Name: p.Name, Description: p.Description, Price: int64(p.Price),
			Category: p.Category, Unit: p.Unit, Stock: p.Stock, LowStockThreshold: p.LowStockThreshold, Version: p.Version}
	}
	b, err := json.Marshal(rs)
	return string(b), err
}

// InsertProducts writes new products in one statement, each created and
// updated at now. It returns ErrDuplicate if any id exists.
func (tx *Tx) InsertProducts(ctx context.Context, ps []mohalla.Product, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	if sql := tx.d.sql(insertProductArraysSQL); sql != "" {
		n := len(ps)
		id, shop, name, desc, cat, unit := make([]string, n), make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n)
		price, stock, low, version := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		for i, p := range ps {
			id[i], shop[i], name[i], desc[i], cat[i], unit[i] = p.ID, p.ShopID, p.Name, p.Description, p.Category, p.Unit
			price[i], stock[i], low[i], version[i] = int64(p.Price), p.Stock, p.LowStockThreshold, p.Version
		}
		_, err := tx.q.exec(ctx, sql, id, shop, name, desc, price, cat, unit, stock, low, version, now)
		return tx.insertErr(err)
	}
	data, err := productRecords(ps)
	if err != nil {
		return err
	}
	from, v := tx.recordSet("$1", productRecordCols)
	_, err = tx.q.exec(ctx, `INSERT INTO products (id, shop_id, name, description, price, category, unit, stock,
			low_stock_threshold, version, created_at, updated_at)
		SELECT `+v("id")+`, `+v("shop_id")+`, `+v("name")+`, `+v("description")+`, `+v("price")+`, `+v("category")+`, `+
		v("unit")+`, `+v("stock")+`, `+v("low_stock_threshold")+`, `+v("version")+`, $2, $2 FROM `+from, data, now)
	return tx.insertErr(err)
}

// insertProductArraysSQL is InsertProducts with each column an array
// parameter, where the database binds arrays (PostgreSQL; SQLite reads the
// rows from one JSON parameter, recordSet): typed arrays cost PostgreSQL
// less than a JSON array read as a record set (bench import: about 3 µs of
// its CPU a product less).
var insertProductArraysSQL = query{postgres: `INSERT INTO products (id, shop_id, name, description, price, category,
			unit, stock, low_stock_threshold, version, created_at, updated_at)
		SELECT id, shop_id, name, description, price, category, unit, stock, low_stock_threshold, version, $11, $11
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::bigint[],
			$9::bigint[], $10::bigint[])
			AS v(id, shop_id, name, description, price, category, unit, stock, low_stock_threshold, version)`}

// UpdateProducts writes the details (not the stock) of products in one
// statement, each updated at now, where the stored version is p.Version-1;
// callers lock the rows first (ProductsForUpdate). It returns ErrNotFound if
// any row is not at that version.
func (tx *Tx) UpdateProducts(ctx context.Context, ps []mohalla.Product, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	data, err := productRecords(ps)
	if err != nil {
		return err
	}
	from, v := tx.recordSet("$1", productRecordCols)
	n, err := tx.q.exec(ctx, `UPDATE products SET name = `+v("name")+`, description = `+v("description")+`, price = `+
		v("price")+`, category = `+v("category")+`, unit = `+v("unit")+`, low_stock_threshold = `+v("low_stock_threshold")+
		`, version = `+v("version")+`, updated_at = $2 FROM `+from+`
		WHERE products.id = `+v("id")+` AND products.version = `+v("version")+` - 1`, data, now)
	if err != nil {
		return err
	}
	if n != int64(len(ps)) {
		return fmt.Errorf("update products: %d of %d rows were at the version read: %w", n, len(ps), ErrNotFound)
	}
	return nil
}

// StockDelta is one change of AdjustStocks.
type StockDelta struct {
	ProductID string `json:"id"`
	Delta     int64  `json:"delta"`
}

// AdjustStocks is AdjustStock (not orderable) of many products in one
// statement. The product ids must differ. It returns the changes made, in no
// order; a delta whose product is missing or whose stock would go below zero
// or above MaxStock is left out, and the caller loads the product to say why.
func (tx *Tx) AdjustStocks(ctx context.Context, ds []StockDelta, now time.Time) ([]StockChange, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(ds)
	if err != nil {
		return nil, err
	}
	delta := make(map[string]int64, len(ds))
	for _, d := range ds {
		delta[d.ProductID] = d.Delta
	}
	from, v := tx.recordSet("$1", []recordCol{{"id", "text"}, {"delta", "bigint"}})
	// SQLite's RETURNING cannot name the FROM table: the delta comes from ds.
	rs, err := tx.q.query(ctx, `UPDATE products SET stock = stock + `+v("delta")+`, version = version + 1, updated_at = $2
		FROM `+from+`
		WHERE products.id = `+v("id")+` AND products.stock + `+v("delta")+` >= 0 AND products.stock + `+v("delta")+` <= $3
		RETURNING products.id, products.shop_id, products.name, products.price, products.stock,
			products.low_stock_threshold, products.version`, string(b), now, MaxStock)
	return collect(rs, err, func(r row) (c StockChange, err error) {
		err = r.Scan(&c.ProductID, &c.ShopID, &c.Name, &c.Price, &c.New, &c.Threshold, &c.Version)
		c.Old = c.New - delta[c.ProductID]
		return c, err
	})
}

// InsertIdempotencies records many creates at once, as InsertIdempotency
// does one; a (scope, key) recorded already is kept as it is.
func (tx *Tx) InsertIdempotencies(ctx context.Context, rs []IdempotencyRecord, now time.Time) error {
	if len(rs) == 0 {
		return nil
	}
	if sql := tx.d.sql(insertIdempotencyArraysSQL); sql != "" {
		scope, key, hash, id := make([]string, len(rs)), make([]string, len(rs)), make([]string, len(rs)), make([]string, len(rs))
		for i, r := range rs {
			scope[i], key[i], hash[i], id[i] = r.Scope, r.Key, r.RequestHash, r.ResourceID
		}
		_, err := tx.q.exec(ctx, sql, scope, key, hash, id, now)
		return err
	}
	type rec struct {
		Scope string `json:"scope"`
		Key   string `json:"key"`
		Hash  string `json:"hash"`
		ID    string `json:"id"`
	}
	recs := make([]rec, len(rs))
	for i, r := range rs {
		recs[i] = rec{r.Scope, r.Key, r.RequestHash, r.ResourceID}
	}
	b, err := json.Marshal(recs)
	if err != nil {
		return err
	}
	from, v := tx.recordSet("$1", []recordCol{{"scope", "text"}, {"key", "text"}, {"hash", "text"}, {"id", "text"}})
	_, err = tx.q.exec(ctx, `INSERT INTO idempotency (scope, key, request_hash, resource_id, created_at)
		SELECT `+v("scope")+`, `+v("key")+`, `+v("hash")+`, `+v("id")+`, $2 FROM `+from+` WHERE true
		ON CONFLICT (scope, key) DO NOTHING`, string(b), now)
	return err
}

// insertIdempotencyArraysSQL is InsertIdempotencies with each column an
// array parameter, where the database binds arrays (PostgreSQL).
var insertIdempotencyArraysSQL = query{postgres: `INSERT INTO idempotency (scope, key, request_hash, resource_id, created_at)
		SELECT scope, key, hash, id, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(scope, key, hash, id)
		ON CONFLICT (scope, key) DO NOTHING`}

// LockProducts locks the rows of the products of ids that exist, in id
// order, until the transaction ends: batches that change many rows lock them
// first, in one order, so that two of them cannot deadlock. A no-op where
// writers are serialized anyway.
func (tx *Tx) LockProducts(ctx context.Context, ids []string) error {
	if tx.d.forUpdate == "" || len(ids) == 0 {
		return nil
	}
	rs, err := tx.q.query(ctx, `SELECT id FROM products WHERE `+tx.idIn("id")+` ORDER BY id`+tx.d.forUpdate, tx.idArg(ids))
	_, err = collect(rs, err, scanString)
	return err
}
