package store

import (
	"context"
	"strings"

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
	var u mohalla.User
	r := q.q.queryRow(ctx, `SELECT `+prefixed("s.", shopColumns)+`, u.id, u.email, u.name, u.phone, u.version, u.created_at,
		u.updated_at FROM shops s JOIN users u ON u.id = s.owner_id WHERE s.id = $1`, id)
	sh, err := scanShop(rowThen{r, []any{&u.ID, &u.Email, &u.Name, &u.Phone, &u.Version, &u.CreatedAt, &u.UpdatedAt}})
	return sh, u, err
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
