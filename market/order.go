package market

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/store"
)

// CreateOrder is the input of Service.CreateOrder. Item prices and TotalAmount are
// optional; when given they must equal what the server computes from current
// prices.
type CreateOrder struct {
	ID              string          `json:"id,omitempty" rule:"id"`
	UserID          string          `json:"userId" rule:"id"`
	Items           []OrderLine     `json:"items"`
	TotalAmount     *mohalla.Money  `json:"totalAmount,omitempty" rule:"price"`
	DeliveryAddress mohalla.Address `json:"deliveryAddress"`
	IdempotencyKey  string          `json:"-"`
}

// OrderLine is one item of CreateOrder.
type OrderLine struct {
	ProductID string         `json:"productId" rule:"id"`
	Quantity  int64          `json:"quantity" rule:"quantity"`
	Price     *mohalla.Money `json:"price,omitempty" rule:"price"`
}

func (in *CreateOrder) validate() error {
	var v mohalla.Invalid
	checkID(&v, "id", in.ID, false)
	checkID(&v, "userId", in.UserID, true)
	switch {
	case len(in.Items) == 0:
		v.Add("items", "must list at least one item")
	case len(in.Items) > maxOrderLine:
		v.Add("items", "must list at most %d items", maxOrderLine)
	}
	seen := make(map[string]bool, len(in.Items))
	for i, it := range in.Items {
		f := fmt.Sprintf("items.%d.", i)
		checkID(&v, f+"productId", it.ProductID, true)
		if seen[it.ProductID] {
			v.Add(f+"productId", "is listed twice; give one line per product")
		}
		seen[it.ProductID] = true
		if it.Quantity < 1 || it.Quantity > maxQuantity {
			v.Add(f+"quantity", "must be between 1 and %d", maxQuantity)
		}
		checkPrice(&v, f+"price", it.Price, false)
	}
	checkPrice(&v, "totalAmount", in.TotalAmount, false)
	a := in.DeliveryAddress
	checkText(&v, "deliveryAddress.street", a.Street, "name")
	checkText(&v, "deliveryAddress.city", a.City, "place")
	checkPincode(&v, "deliveryAddress.pincode", a.Pincode)
	checkText(&v, "deliveryAddress.state", a.State, "place")
	return v.Err()
}

// CreateOrder places an order: in one transaction it reserves the stock of every
// item (all or nothing), computes the total from current prices, writes the order
// and appends order/created and a product/updated per item. Only the customer
// themself or an admin may. Errors: EINVALID naming the field for unknown or
// discontinued products, items of two shops, or a price or total that disagrees
// with the server's; ECONFLICT naming the product and the stock left when there is
// not enough.
func (s *Service) CreateOrder(ctx context.Context, c mohalla.Caller, in CreateOrder) (mohalla.Order, error) {
	if err := in.validate(); err != nil {
		return mohalla.Order{}, err
	}
	if err := authCreateOrder(c, in.UserID); err != nil {
		return mohalla.Order{}, err
	}
	scope, key := idempotencyKey("order", c, in.IdempotencyKey, in.ID)
	hash := requestHash(in)
	var o mohalla.Order
	// The first attempt claims the key in one round trip with the first
	// stock update (store.Tx.ClaimIdempotencyLater): an order's key is almost
	// always new. A key claimed already spoils that attempt (store.ErrClaimed),
	// and the next one claims it the way that reports the prior order.
	optimistic := true
	err := s.write(ctx, c, "create_order", func(ctx context.Context, w *change) error {
		in := in
		if in.ID == "" {
			in.ID = newID()
		}
		if optimistic && key != "" {
			optimistic = false
			rec := store.IdempotencyRecord{Scope: scope, Key: key, RequestHash: hash, ResourceID: in.ID}
			if err := w.tx.ClaimIdempotencyLater(ctx, rec, w.now); err != nil {
				return err
			}
		} else if prior, err := claim(ctx, w, scope, key, hash, in.ID); err != nil || prior != "" {
			if prior != "" {
				o, err = w.tx.Order(ctx, prior)
			}
			return err
		}
		var err error
		o, err = s.placeOrder(ctx, w, in)
		return err
	})
	return o, err
}

func (s *Service) placeOrder(ctx context.Context, w *change, in CreateOrder) (mohalla.Order, error) {
	o := mohalla.Order{ID: in.ID, UserID: in.UserID, Status: mohalla.StatusPending, DeliveryAddress: in.DeliveryAddress,
		Version: 1, CreatedAt: w.now, UpdatedAt: w.now, Items: make([]mohalla.OrderItem, len(in.Items))}
	if o.ID == "" {
		o.ID = newID()
	}
	// Reserve in product id order, so concurrent orders lock rows in one order and
	// never deadlock.
	lines := make([]int, len(in.Items))
	for i := range lines {
		lines[i] = i
	}
	sort.Slice(lines, func(a, b int) bool { return in.Items[lines[a]].ProductID < in.Items[lines[b]].ProductID })
	// All the lines in one round trip on PostgreSQL (store.Q.AdjustStockEach).
	deltas := make([]store.StockDelta, len(lines))
	for k, i := range lines {
		deltas[k] = store.StockDelta{ProductID: in.Items[i].ProductID, Delta: -in.Items[i].Quantity}
	}
	reserved, failed, err := w.tx.AdjustStockEach(ctx, deltas, true, w.now)
	if failed >= 0 && errors.Is(err, store.ErrNotFound) {
		i := lines[failed]
		return o, whyNotReserved(ctx, w.tx, i, in.Items[i])
	} else if err != nil {
		return o, err
	}
	changes := make([]store.StockChange, len(in.Items))
	for k, i := range lines {
		it, sc := in.Items[i], reserved[k]
		changes[i] = sc
		o.Items[i] = mohalla.OrderItem{ProductID: it.ProductID, Name: sc.Name, Quantity: it.Quantity, Price: sc.Price}
	}
	var v mohalla.Invalid
	total, over := orderTotal(o.Items)
	o.TotalAmount = total
	switch {
	case over >= 0:
		v.Add(fmt.Sprintf("items.%d.quantity", over), "costs more than the largest order, %s rupees", MaxOrderTotal)
	case o.TotalAmount > MaxOrderTotal:
		v.Add("totalAmount", "the items cost more than the largest order, %s rupees", MaxOrderTotal)
	}
	o.ShopID = changes[0].ShopID
	for i, sc := range changes {
		if sc.ShopID != o.ShopID {
			v.Add(fmt.Sprintf("items.%d.productId", i), "is sold by shop %q, but items.0 by shop %q; an order is from one shop", sc.ShopID, o.ShopID)
		}
		if p := in.Items[i].Price; p != nil && *p != sc.Price {
			v.Add(fmt.Sprintf("items.%d.price", i), "is %s, but the current price is %s", p, sc.Price)
		}
	}
	if in.TotalAmount != nil && *in.TotalAmount != o.TotalAmount && over < 0 && total <= MaxOrderTotal {
		v.Add("totalAmount", "is %s, but the items cost %s at current prices", in.TotalAmount, o.TotalAmount)
	}
	if err := v.Err(); err != nil {
		return o, err
	}
	// The user is checked by its foreign key, saving a round trip per order.
	// On PostgreSQL the order and its items are held, to go with its audit
	// row and events in one round trip (issue 14): their error comes out of
	// that statement, translated here.
	if err := w.tx.InsertOrderLater(ctx, &o, func(err error) error {
		switch {
		case errors.Is(err, store.ErrDuplicate):
			return errRaced
		case errors.Is(err, store.ErrMissingRef):
			return fieldError("userId", "no user has this id")
		}
		return err
	}); err != nil {
		return o, err
	}
	if err := w.emit(mohalla.EventOrderCreated, mohalla.OrderEvent{OrderID: o.ID, UserID: o.UserID, ShopID: o.ShopID,
		Items: o.Items, TotalAmount: o.TotalAmount, Status: o.Status, DeliveryAddress: o.DeliveryAddress}); err != nil {
		return o, err
	}
	for _, sc := range changes {
		if err := w.stockChanged(ctx, sc, "order", o.ID); err != nil {
			return o, err
		}
	}
	w.audit(mohalla.AuditOrderCreate, "order", o.ID, o.ShopID, nil, map[string]any{"status": o.Status, "userId": o.UserID,
		"totalAmount": o.TotalAmount, "items": reservations(o.Items, changes)})
	return o, nil
}

// orderTotal sums the items' price × quantity. It checks each product and
// the running sum against MaxOrderTotal before making it, so no sum can
// overflow: over is the first line whose own cost is beyond it (else -1), and
// a total beyond it is returned as MaxOrderTotal + 1.
func orderTotal(items []mohalla.OrderItem) (total mohalla.Money, over int) {
	for i, it := range items {
		if it.Quantity <= 0 || it.Price < 0 || (it.Price > 0 && it.Quantity > int64(MaxOrderTotal/it.Price)) {
			return 0, i
		}
		total += it.Price * mohalla.Money(it.Quantity) // each term and the sum so far are at most MaxOrderTotal
		if total > MaxOrderTotal {
			return MaxOrderTotal + 1, -1
		}
	}
	return total, -1
}

// reservations are the audit's record of the stock an order's items took or
// gave back: per item, its quantity and price and its product's stock before
// and after.
func reservations(items []mohalla.OrderItem, changes []store.StockChange) []map[string]any {
	out := make([]map[string]any, len(changes))
	for i, sc := range changes {
		out[i] = map[string]any{"productId": sc.ProductID, "quantity": items[i].Quantity, "price": items[i].Price,
			"stockBefore": sc.Old, "stockAfter": sc.New}
	}
	return out
}

// whyNotReserved explains why line i could not be reserved.
func whyNotReserved(ctx context.Context, tx *store.Tx, i int, it OrderLine) error {
	p, err := tx.Product(ctx, it.ProductID)
	field := fmt.Sprintf("items.%d.productId", i)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fieldError(field, "no product has this id")
	case err != nil:
		return err
	case p.DeletedAt != nil:
		return fieldError(field, "this product is discontinued")
	default:
		return insufficient(p, it.Quantity)
	}
}

// Order returns the order with id to its customer, its shop's owner, an admin or
// a service; ENOTFOUND if there is none, and to anyone else who is signed in,
// so an order's existence is not told to those who may not see it.
func (s *Service) Order(ctx context.Context, c mohalla.Caller, id string) (mohalla.Order, error) {
	ctx = store.WithCaller(ctx, c)
	if c.Role == mohalla.RoleAnonymous {
		return mohalla.Order{}, deny(c, "")
	}
	r := s.store.Read()
	o, err := cache.Read(ctx, s.cfg.Cache, cache.Key{Kind: cache.Order, ID: id}, r.Order)
	if err != nil {
		return o, s.notFound(ctx, err, "order", id)
	}
	owner := ""
	if !c.Privileged() && !self(c, o.UserID) {
		sh, err := cache.Read(ctx, s.cfg.Cache, cache.Key{Kind: cache.Shop, ID: o.ShopID}, r.Shop)
		if err != nil {
			return o, s.internal(ctx, err)
		}
		owner = sh.OwnerID
	}
	if err := authReadOrder(c, o.UserID, owner); err != nil {
		return mohalla.Order{}, hidden(err, "order", id)
	}
	return o, nil
}

// OrderQuery filters ListOrders. A customer who names neither gets their own
// orders.
type OrderQuery struct {
	UserID string
	ShopID string
	// Newest lists the newest first (by id: the time order of the ids the
	// server makes); default oldest first.
	Newest bool
	PageRequest
}

// ListOrders returns a page of orders of one customer (to that customer) or of one
// shop (to its owner); admins and services may list any, or all.
func (s *Service) ListOrders(ctx context.Context, c mohalla.Caller, q OrderQuery) (mohalla.Page[mohalla.Order], error) {
	ctx = store.WithCaller(ctx, c)
	var none mohalla.Page[mohalla.Order]
	limit, err := q.limit()
	if err != nil {
		return none, err
	}
	if q.UserID == "" && q.ShopID == "" && c.Is(mohalla.RoleCustomer) {
		q.UserID = c.ID
	}
	r := s.store.Read()
	switch {
	case c.Privileged():
	case q.ShopID != "":
		sh, err := r.Shop(ctx, q.ShopID)
		if err != nil {
			return none, s.notFound(ctx, err, "shop", q.ShopID)
		}
		if err := authReadOrder(c, q.UserID, sh.OwnerID); err != nil {
			return none, err
		}
	case q.UserID != "":
		if err := authReadOrder(c, q.UserID, ""); err != nil {
			return none, err
		}
	default:
		return none, deny(c, "name a userId or a shopId; only admins and services list all orders")
	}
	os, err := r.ListOrders(ctx, store.OrderFilter{UserID: q.UserID, ShopID: q.ShopID, After: q.Cursor, Limit: limit + 1,
		Newest: q.Newest})
	if err != nil {
		return none, s.internal(ctx, err)
	}
	return page(os, limit, func(o mohalla.Order) string { return o.ID }), nil
}
