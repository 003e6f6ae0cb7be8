package store

import (
	"context"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
)

const shopColumns = `id, name, owner_id, lat, lng, pincode, address, version, created_at, updated_at`

func scanShop(r row) (s mohalla.Shop, err error) {
	err = r.Scan(&s.ID, &s.Name, &s.OwnerID, &s.Location.Lat, &s.Location.Lng, &s.Pincode, &s.Address,
		&s.Version, &s.CreatedAt, &s.UpdatedAt)
	return s, err
}

// InsertShop writes a new shop. It returns ErrDuplicate if the id exists.
func (q *Q) InsertShop(ctx context.Context, s *mohalla.Shop) error {
	_, err := q.q.exec(ctx, `INSERT INTO shops (`+shopColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		s.ID, s.Name, s.OwnerID, s.Location.Lat, s.Location.Lng, s.Pincode, s.Address, s.Version, s.CreatedAt, s.UpdatedAt)
	return q.insertErr(err)
}

// Shop returns the shop with id, or ErrNotFound.
func (q *Q) Shop(ctx context.Context, id string) (mohalla.Shop, error) {
	return scanShop(q.q.queryRow(ctx, `SELECT `+shopColumns+` FROM shops WHERE id = $1`, id))
}

// ShopWithOwner returns the shop with id and its owner, read in one
// statement, or ErrNotFound if either is missing.
func (q *Q) ShopWithOwner(ctx context.Context, id string) (mohalla.Shop, mohalla.User, error) {
	r, err := q.ShopWith(ctx, id, "")
	return r.Shop, r.Owner, err
}

// ShopRead is what a shop's messages read in one statement (ShopWith): the
// shop, its owner, whether the shop has a webhook, and a customer.
type ShopRead struct {
	Shop       mohalla.Shop
	Owner      mohalla.User
	HasWebhook bool
	// Customer is the user asked for, nil if none was or it does not exist.
	Customer *mohalla.User
}

// ShopWith returns the shop with id, its owner, whether it has a webhook, and
// the user customerID unless that is "", in one statement (an order's
// confirmation and the shop's notice each read all they need in one round
// trip). It returns ErrNotFound if the shop or its owner is missing; a
// missing customer is a nil Customer.
func (q *Q) ShopWith(ctx context.Context, id, customerID string) (ShopRead, error) {
	var (
		out ShopRead
		u   = &out.Owner
		c   mohalla.User
		cAt [2]*time.Time
	)
	// A customer not found has an empty id (and no times).
	r := q.q.queryRow(ctx, `SELECT `+prefixed("s.", shopColumns)+`, u.id, u.email, u.name, u.phone, u.version, u.created_at,
		u.updated_at, EXISTS (SELECT 1 FROM shop_webhooks w WHERE w.shop_id = s.id),
		coalesce(c.id, ''), coalesce(c.email, ''), coalesce(c.name, ''), coalesce(c.phone, ''), coalesce(c.version, 0),
		c.created_at, c.updated_at
		FROM shops s JOIN users u ON u.id = s.owner_id LEFT JOIN users c ON c.id = $2 AND $2 <> ''
		WHERE s.id = $1`, id, customerID)
	sh, err := scanShop(rowThen{r, []any{&u.ID, &u.Email, &u.Name, &u.Phone, &u.Version, &u.CreatedAt, &u.UpdatedAt,
		&out.HasWebhook, &c.ID, &c.Email, &c.Name, &c.Phone, &c.Version, &cAt[0], &cAt[1]}})
	out.Shop = sh
	if err == nil && c.ID != "" && cAt[0] != nil && cAt[1] != nil {
		c.CreatedAt, c.UpdatedAt = *cAt[0], *cAt[1]
		out.Customer = &c
	}
	return out, err
}

// rowThen is a row whose columns after those its reader scans go to more.
type rowThen struct {
	row
	more []any
}

func (r rowThen) Scan(dest ...any) error { return r.row.Scan(append(dest, r.more...)...) }

// prefixed is columns, a list, with each column qualified by p ("s.").
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// ShopFilter selects shops for ListShops.
type ShopFilter struct {
	OwnerID string // "" for all
	After   string // id cursor
	Limit   int
}

// ListShops returns shops in id order after the cursor.
func (q *Q) ListShops(ctx context.Context, f ShopFilter) ([]mohalla.Shop, error) {
	rs, err := q.q.query(ctx, `SELECT `+shopColumns+` FROM shops
		WHERE id > $1 AND ($2 = '' OR owner_id = $2)
		ORDER BY id LIMIT $3`, f.After, f.OwnerID, f.Limit)
	return collect(rs, err, scanShop)
}
