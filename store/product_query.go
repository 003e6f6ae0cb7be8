package store

import (
	"context"
	"time"

	"github.com/mohallamart/mohalla"
)

const productColumns = `id, shop_id, name, description, price, category, unit, stock, low_stock_threshold,
	version, created_at, updated_at, deleted_at`

func scanProduct(r row) (p mohalla.Product, err error) {
	err = r.Scan(&p.ID, &p.ShopID, &p.Name, &p.Description, &p.Price, &p.Category, &p.Unit, &p.Stock,
		&p.LowStockThreshold, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.DeletedAt)
	return p, err
}

// InsertProduct writes a new product. It returns ErrDuplicate if the id exists.
func (q *Q) InsertProduct(ctx context.Context, p *mohalla.Product) error {
	_, err := q.q.exec(ctx, `INSERT INTO products (`+productColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		p.ID, p.ShopID, p.Name, p.Description, p.Price, p.Category, p.Unit, p.Stock, p.LowStockThreshold,
		p.Version, p.CreatedAt, p.UpdatedAt, p.DeletedAt)
	return q.insertErr(err)
}

// Product returns the product with id, discontinued or not, or ErrNotFound.
func (q *Q) Product(ctx context.Context, id string) (mohalla.Product, error) {
	return scanProduct(q.q.queryRow(ctx, `SELECT `+productColumns+` FROM products WHERE id = $1`, id))
}

// ProductForUpdate is Product, locking the row until the transaction ends, so the
// details read are still the stored ones when the transaction writes them.
func (tx *Tx) ProductForUpdate(ctx context.Context, id string) (mohalla.Product, error) {
	return scanProduct(tx.q.queryRow(ctx, `SELECT `+productColumns+` FROM products WHERE id = $1`+tx.d.forUpdate, id))
}

// ProductFilter selects products for ListProducts. Discontinued products are never
// listed.
type ProductFilter struct {
	ShopID   string
	Category string
	After    string // id cursor
	Limit    int
}

// ListProducts returns the products that f selects, in id order.
func (q *Q) ListProducts(ctx context.Context, f ProductFilter) ([]mohalla.Product, error) {
	rs, err := q.q.query(ctx, `SELECT `+productColumns+` FROM products
		WHERE id > $1 AND ($2 = '' OR shop_id = $2) AND ($3 = '' OR category = $3) AND deleted_at IS NULL
		ORDER BY id LIMIT $4`, f.After, f.ShopID, f.Category, f.Limit)
	return collect(rs, err, scanProduct)
}

// UpdateProduct writes p's details (not its stock) if the stored version is
// p.Version-1; callers lock the row first (ProductForUpdate). It returns
// ErrNotFound if the row is not at that version.
func (q *Q) UpdateProduct(ctx context.Context, p *mohalla.Product) error {
	n, err := q.q.exec(ctx, `UPDATE products SET name = $2, description = $3, price = $4, category = $5,
		unit = $6, low_stock_threshold = $7, version = $8, updated_at = $9, deleted_at = $10
		WHERE id = $1 AND version = $8 - 1`,
		p.ID, p.Name, p.Description, p.Price, p.Category, p.Unit, p.LowStockThreshold, p.Version, p.UpdatedAt, p.DeletedAt)
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}

// adjustStockSQL is AdjustStock's statement: $1 the product, $2 the delta,
// $3 the time, $4 orderable, $5 MaxStock.
const adjustStockSQL = `UPDATE products SET stock = stock + $2, version = version + 1, updated_at = $3
		WHERE id = $1 AND stock + $2 >= 0 AND stock + $2 <= $5 AND (NOT $4 OR deleted_at IS NULL)
		RETURNING shop_id, name, price, stock, low_stock_threshold, version`

// StockChange is the outcome of AdjustStock.
type StockChange struct {
	ProductID string
	ShopID    string
	OwnerID   string // the shop's owner; ChangeStock's only
	Name      string
	Price     mohalla.Money
	Old, New  int64
	Threshold int64
	Version   int64
}

// AdjustStock adds delta to a product's stock and bumps its version, unless the
// stock would go below zero or above MaxStock or, when orderable is set, the
// product is discontinued. It returns ErrNotFound if no row was changed; the caller loads the
// product to say why. Concurrent calls on one row are serialized by the database,
// so stock never goes below zero.
func (q *Q) AdjustStock(ctx context.Context, id string, delta int64, orderable bool, now time.Time) (StockChange, error) {
	c := StockChange{ProductID: id}
	err := q.q.queryRow(ctx, adjustStockSQL, id, delta, now, orderable, MaxStock).
		Scan(&c.ShopID, &c.Name, &c.Price, &c.New, &c.Threshold, &c.Version)
	c.Old = c.New - delta
	return c, err
}

// AdjustStockEach is AdjustStock of each of deltas, in their order (an order's
// items, in product id order so that concurrent orders lock rows in one
// order): on PostgreSQL in one round trip (issue 14). It returns the changes
// made; if one could not be made, the index of the first, with its error
// (ErrNotFound as AdjustStock), else -1. The changes after a failed one may
// have been made too: the caller's transaction is to roll back.
func (q *Q) AdjustStockEach(ctx context.Context, deltas []StockDelta, orderable bool, now time.Time) ([]StockChange, int, error) {
	out := make([]StockChange, len(deltas))
	stmts := make([]heldStmt, len(deltas))
	for i, d := range deltas {
		out[i].ProductID = d.ProductID
		stmts[i] = heldStmt{what: "adjust stock", sql: adjustStockSQL, args: []any{d.ProductID, d.Delta, now, orderable, MaxStock}}
	}
	failed, err := q.queryEach(ctx, stmts, func(i int, r row) error {
		c := &out[i]
		err := r.Scan(&c.ShopID, &c.Name, &c.Price, &c.New, &c.Threshold, &c.Version)
		c.Old = c.New - deltas[i].Delta
		return err
	})
	return out, failed, err
}

// ChangeStock is AdjustStock of a product's own stock change (not an order's:
// a discontinued product's stock may change), which also returns the product
// as the change left it and the owner of its shop, from the same statement: a
// stock change answers with the product, and reading it again was a fifth of
// its statements; the caller checks the owner before it commits (reading it
// first was another). On ErrNotFound the caller asks ProductOwner why.
func (q *Q) ChangeStock(ctx context.Context, id string, delta int64, now time.Time) (StockChange, mohalla.Product, error) {
	var (
		p     mohalla.Product
		owner string
		r     row
	)
	const (
		update = `UPDATE products SET stock = stock + $2, version = version + 1, updated_at = $3
		WHERE id = $1 AND stock + $2 >= 0 AND stock + $2 <= $4`
		columns = productColumns + `, (SELECT s.owner_id FROM shops s WHERE s.id = products.shop_id)`
	)
	if _, inTx := q.q.(sqlTx); inTx && q.d.kind == SQLite {
		// In a SQLite transaction, the UPDATE and then a read of the row,
		// not UPDATE … RETURNING: SQLite runs RETURNING through an ephemeral
		// table it builds and drops at every run, and a statement costs no
		// round trip here (in a micro-benchmark, 158 → 132 µs of CPU a
		// transaction). The row read is the one the UPDATE wrote: the
		// transaction holds SQLite's one writer lock.
		n, err := q.q.exec(ctx, update, id, delta, now, MaxStock)
		if err == nil && n == 0 {
			err = ErrNotFound
		}
		if err != nil {
			return StockChange{ProductID: id}, mohalla.Product{}, err
		}
		r = q.q.queryRow(ctx, `SELECT `+columns+` FROM products WHERE id = $1`, id)
	} else {
		r = q.q.queryRow(ctx, update+` RETURNING `+columns, id, delta, now, MaxStock)
	}
	err := r.Scan(&p.ID, &p.ShopID, &p.Name, &p.Description, &p.Price, &p.Category, &p.Unit, &p.Stock,
		&p.LowStockThreshold, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.DeletedAt, &owner)
	if err != nil {
		return StockChange{ProductID: id}, mohalla.Product{}, err
	}
	return StockChange{ProductID: id, ShopID: p.ShopID, OwnerID: owner, Name: p.Name, Price: p.Price, Old: p.Stock - delta,
		New: p.Stock, Threshold: p.LowStockThreshold, Version: p.Version}, p, nil
}

// ProductOwner returns the owner id of the shop that sells product id, or
// ErrNotFound.
func (q *Q) ProductOwner(ctx context.Context, id string) (string, error) {
	var owner string
	err := q.q.queryRow(ctx, `SELECT s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1`, id).Scan(&owner)
	return owner, err
}
