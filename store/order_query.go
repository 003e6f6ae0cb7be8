package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
)

const orderColumns = `id, user_id, shop_id, total, status, address, version, created_at, updated_at`

func scanOrder(r row, o *mohalla.Order) error {
	var addr string
	if err := r.Scan(&o.ID, &o.UserID, &o.ShopID, &o.TotalAmount, &o.Status, &addr, &o.Version, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return err
	}
	return json.Unmarshal([]byte(addr), &o.DeliveryAddress)
}

// InsertOrderLater writes a new order and its items, both statements held
// (Q.later): in a PostgreSQL transaction they go with its next statement (an
// order's audit row and events), and their error is that statement's:
// ErrDuplicate if the id exists, ErrMissingRef if its user, its shop or an
// item's product does not. errOf, if not nil, translates it after those, so
// that the caller's translation reaches its caller from wherever the error
// comes out. On SQLite, which holds nothing, the error is returned here,
// translated the same way.
func (q *Q) InsertOrderLater(ctx context.Context, o *mohalla.Order, errOf func(error) error) error {
	order, items, err := insertOrderStmts(o)
	if err != nil {
		return err
	}
	translate := func(err error) error {
		if err = q.insertErr(err); errOf != nil {
			err = errOf(err)
		}
		return err
	}
	order.errOf, items.errOf = translate, translate
	if err := q.hold(ctx, order); err != nil {
		return err
	}
	return q.hold(ctx, items)
}

// insertOrderStmts are the statements that write o and its items: one
// statement for all items, so one round trip however long the order.
func insertOrderStmts(o *mohalla.Order) (order, items heldStmt, err error) {
	addr, err := json.Marshal(o.DeliveryAddress)
	if err != nil {
		return order, items, err
	}
	order = heldStmt{what: "insert order", sql: `INSERT INTO orders (` + orderColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		args: []any{o.ID, o.UserID, o.ShopID, o.TotalAmount, o.Status, string(addr), o.Version, o.CreatedAt, o.UpdatedAt}}
	var b strings.Builder
	b.WriteString(`INSERT INTO order_items (order_id, line, product_id, name, quantity, price) VALUES `)
	args := make([]any, 0, 1+5*len(o.Items))
	args = append(args, o.ID)
	for i, it := range o.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($1, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
		args = append(args, i, it.ProductID, it.Name, it.Quantity, it.Price)
	}
	return order, heldStmt{what: "insert order items", sql: b.String(), args: args}, nil
}

// Order returns the order with id and its items, or ErrNotFound.
func (q *Q) Order(ctx context.Context, id string) (mohalla.Order, error) {
	var o mohalla.Order
	if err := scanOrder(q.q.queryRow(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1`, id), &o); err != nil {
		return o, err
	}
	items, err := q.orderItems(ctx, []string{o.ID})
	o.Items = items[o.ID]
	return o, err
}

// OrderForUpdate is Order, locking the order's row until the transaction ends.
func (tx *Tx) OrderForUpdate(ctx context.Context, id string) (mohalla.Order, error) {
	var o mohalla.Order
	if err := scanOrder(tx.q.queryRow(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1`+tx.d.forUpdate, id), &o); err != nil {
		return o, err
	}
	items, err := tx.orderItems(ctx, []string{o.ID})
	o.Items = items[o.ID]
	return o, err
}

// OrderFilter selects orders for ListOrders.
type OrderFilter struct {
	UserID string
	ShopID string
	After  string // id cursor: the orders past it (below it when Newest)
	Limit  int
	// Newest lists in descending id order, the newest first for ids the
	// server made (ULIDs).
	Newest bool
}

// ListOrders returns the orders f selects, in id order, with their items.
func (q *Q) ListOrders(ctx context.Context, f OrderFilter) ([]mohalla.Order, error) {
	where, order := `id > $1`, `id`
	if f.Newest {
		where, order = `($1 = '' OR id < $1)`, `id DESC`
	}
	rs, err := q.q.query(ctx, `SELECT `+orderColumns+` FROM orders
		WHERE `+where+` AND ($2 = '' OR user_id = $2) AND ($3 = '' OR shop_id = $3)
		ORDER BY `+order+` LIMIT $4`, f.After, f.UserID, f.ShopID, f.Limit)
	if err != nil {
		return nil, err
	}
	var out []mohalla.Order
	for rs.Next() {
		var o mohalla.Order
		if err := scanOrder(rs, &o); err != nil {
			rs.Close()
			return nil, err
		}
		out = append(out, o)
	}
	rs.Close()
	if err := rs.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, o := range out {
		ids[i] = o.ID
	}
	items, err := q.orderItems(ctx, ids)
	for i := range out {
		out[i].Items = items[out[i].ID]
	}
	return out, err
}

func (q *Q) orderItems(ctx context.Context, ids []string) (map[string][]mohalla.OrderItem, error) {
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	rs, err := q.q.query(ctx, `SELECT order_id, product_id, name, quantity, price FROM order_items
		WHERE order_id IN (`+strings.Join(marks, ", ")+`) ORDER BY order_id, line`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := make(map[string][]mohalla.OrderItem, len(ids))
	for rs.Next() {
		var id string
		var it mohalla.OrderItem
		if err := rs.Scan(&id, &it.ProductID, &it.Name, &it.Quantity, &it.Price); err != nil {
			return nil, err
		}
		out[id] = append(out[id], it)
	}
	return out, rs.Err()
}

// SetOrderStatus moves an order from one status to another and bumps its version.
// It returns ErrNotFound if the order is no longer in status from.
func (q *Q) SetOrderStatus(ctx context.Context, id string, from, to mohalla.OrderStatus, now time.Time) (version int64, err error) {
	err = q.q.queryRow(ctx, `UPDATE orders SET status = $3, version = version + 1, updated_at = $4
		WHERE id = $1 AND status = $2 RETURNING version`, id, from, to, now).Scan(&version)
	return version, err
}
