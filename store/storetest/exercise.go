package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// Exercise is the store's conformance suite: the contract of each query (found
// and not found, duplicates, references to missing rows, order, paging, the
// event log and its head, rollback), run on stores that open makes. Every kind
// of store runs it (see store's TestConformance), so a new kind knows exactly
// what it must pass. open returns a new, empty, migrated store each call.
func Exercise(t *testing.T, open func(testing.TB) *store.Store) {
	t.Run("Users", func(t *testing.T) { t.Parallel(); exerciseUsers(t, open(t)) })
	t.Run("Shops", func(t *testing.T) { t.Parallel(); exerciseShops(t, open(t)) })
	t.Run("Products", func(t *testing.T) { t.Parallel(); exerciseProducts(t, open(t)) })
	t.Run("Stock", func(t *testing.T) { t.Parallel(); exerciseStock(t, open(t)) })
	t.Run("Orders", func(t *testing.T) { t.Parallel(); exerciseOrders(t, open(t)) })
	t.Run("EventLog", func(t *testing.T) { t.Parallel(); exerciseEventLog(t, open(t)) })
	t.Run("Transactions", func(t *testing.T) { t.Parallel(); exerciseTransactions(t, open(t)) })
}

// at is the time every exercised row is written at, to the microsecond both
// stores keep.
var at = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// want fails the test unless err is target (nil for success).
func want(t testing.TB, what string, err, target error) {
	t.Helper()
	if target == nil && err != nil || target != nil && !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func exerciseUsers(t *testing.T, st *store.Store) {
	ctx := exerciseContext(t)
	q := st.Write()
	want(t, "insert", q.InsertUser(ctx, user("u1")), nil)
	want(t, "insert the same id", q.InsertUser(ctx, &mohalla.User{ID: "u1", Email: "other@example.com", Name: "x", Version: 1}), store.ErrDuplicate)
	want(t, "insert the same email", q.InsertUser(ctx, &mohalla.User{ID: "u2", Email: "u1@example.com", Name: "x", Version: 1}), store.ErrDuplicate)
	u, err := st.Read().User(ctx, "u1")
	want(t, "read", err, nil)
	if u.ID != "u1" || u.Email != "u1@example.com" || u.Version != 1 || !u.CreatedAt.Equal(at) {
		t.Errorf("read back %+v", u)
	}
	_, err = st.Read().User(ctx, "nobody")
	want(t, "read a missing user", err, store.ErrNotFound)
	id, err := st.Read().UserIDByEmail(ctx, "u1@example.com")
	if err != nil || id != "u1" {
		t.Errorf("UserIDByEmail = %q, %v; want u1", id, err)
	}
	_, err = st.Read().UserIDByEmail(ctx, "nobody@example.com")
	want(t, "look up a missing email", err, store.ErrNotFound)
}

func exerciseShops(t *testing.T, st *store.Store) {
	ctx := exerciseContext(t)
	q := st.Write()
	want(t, "a shop of a missing owner", q.InsertShop(ctx, shop("s0", "nobody")), store.ErrMissingRef)
	mustUsers(t, st, "o1", "o2")
	for i := 5; i >= 1; i-- { // inserted out of order: lists are in id order
		owner := "o1"
		if i%2 == 0 {
			owner = "o2"
		}
		want(t, "insert", q.InsertShop(ctx, shop(fmt.Sprintf("s%d", i), owner)), nil)
	}
	want(t, "insert the same id", q.InsertShop(ctx, shop("s1", "o1")), store.ErrDuplicate)
	_, err := st.Read().Shop(ctx, "s9")
	want(t, "read a missing shop", err, store.ErrNotFound)
	pages := pageIDs(t, func(after string) ([]string, error) {
		shops, err := st.Read().ListShops(ctx, store.ShopFilter{After: after, Limit: 2})
		return idsOf(shops, func(s mohalla.Shop) string { return s.ID }), err
	})
	wantPages(t, "shops", pages, [][]string{{"s1", "s2"}, {"s3", "s4"}, {"s5"}})
	owned, err := st.Read().ListShops(ctx, store.ShopFilter{OwnerID: "o2", Limit: 10})
	want(t, "list by owner", err, nil)
	if got := idsOf(owned, func(s mohalla.Shop) string { return s.ID }); !slices.Equal(got, []string{"s2", "s4"}) {
		t.Errorf("shops of o2 = %v, want [s2 s4]", got)
	}
}

func exerciseProducts(t *testing.T, st *store.Store) {
	ctx := exerciseContext(t)
	q := st.Write()
	want(t, "a product of a missing shop", q.InsertProduct(ctx, product("p0", "s9", "dairy", 5)), store.ErrMissingRef)
	mustShop(t, st, "s1")
	for i, cat := range []string{"staples", "dairy", "staples", "dairy", "staples"} {
		want(t, "insert", q.InsertProduct(ctx, product(fmt.Sprintf("p%d", i+1), "s1", cat, 5)), nil)
	}
	want(t, "insert the same id", q.InsertProduct(ctx, product("p1", "s1", "dairy", 5)), store.ErrDuplicate)
	_, err := st.Read().Product(ctx, "p9")
	want(t, "read a missing product", err, store.ErrNotFound)

	// An update names the version it makes; a stale one changes nothing.
	p, _ := st.Read().Product(ctx, "p3")
	p.Name, p.Version, p.UpdatedAt = "Renamed", 2, at.Add(time.Minute)
	want(t, "update from version 1", q.UpdateProduct(ctx, &p), nil)
	want(t, "update from version 1 again", q.UpdateProduct(ctx, &p), store.ErrNotFound)
	got, _ := st.Read().Product(ctx, "p3")
	if got.Name != "Renamed" || got.Version != 2 {
		t.Errorf("after the update: %+v", got)
	}
	// A discontinued product is still read by id, never listed.
	gone := at.Add(2 * time.Minute)
	got.DeletedAt, got.Version = &gone, 3
	want(t, "discontinue", q.UpdateProduct(ctx, &got), nil)
	if p, err := st.Read().Product(ctx, "p3"); err != nil || p.DeletedAt == nil || !p.DeletedAt.Equal(gone) {
		t.Errorf("a discontinued product reads back as %+v, %v", p, err)
	}
	pages := pageIDs(t, func(after string) ([]string, error) {
		ps, err := st.Read().ListProducts(ctx, store.ProductFilter{ShopID: "s1", After: after, Limit: 2})
		return idsOf(ps, func(p mohalla.Product) string { return p.ID }), err
	})
	wantPages(t, "products", pages, [][]string{{"p1", "p2"}, {"p4", "p5"}})
	dairy, err := st.Read().ListProducts(ctx, store.ProductFilter{Category: "dairy", Limit: 10})
	want(t, "list by category", err, nil)
	if ids := idsOf(dairy, func(p mohalla.Product) string { return p.ID }); !slices.Equal(ids, []string{"p2", "p4"}) {
		t.Errorf("dairy = %v, want [p2 p4]", ids)
	}
	owner, err := st.Read().ProductOwner(ctx, "p1")
	if err != nil || owner != "o-s1" {
		t.Errorf("ProductOwner = %q, %v; want o-s1", owner, err)
	}
	_, err = st.Read().ProductOwner(ctx, "p9")
	want(t, "the owner of a missing product", err, store.ErrNotFound)
}

func exerciseStock(t *testing.T, st *store.Store) {
	ctx := exerciseContext(t)
	q := st.Write()
	mustShop(t, st, "s1")
	want(t, "insert", q.InsertProduct(ctx, product("p1", "s1", "dairy", 5)), nil)
	c, err := q.AdjustStock(ctx, "p1", -3, true, at)
	want(t, "take 3 of 5", err, nil)
	if c.Old != 5 || c.New != 2 || c.Version != 2 || c.ShopID != "s1" || c.Threshold != 2 {
		t.Errorf("stock change = %+v; want 5 → 2 at version 2", c)
	}
	_, err = q.AdjustStock(ctx, "p1", -3, true, at)
	want(t, "take 3 of 2", err, store.ErrNotFound)
	_, err = q.AdjustStock(ctx, "p1", store.MaxStock, false, at)
	want(t, "stock past the maximum", err, store.ErrNotFound)
	_, err = q.AdjustStock(ctx, "p9", 1, false, at)
	want(t, "stock of a missing product", err, store.ErrNotFound)
	p, _ := st.Read().Product(ctx, "p1")
	gone := at
	p.DeletedAt, p.Version = &gone, p.Version+1
	want(t, "discontinue", q.UpdateProduct(ctx, &p), nil)
	_, err = q.AdjustStock(ctx, "p1", -1, true, at)
	want(t, "order a discontinued product", err, store.ErrNotFound)
	if c, err := q.AdjustStock(ctx, "p1", 1, false, at); err != nil || c.New != 3 {
		t.Errorf("return stock to a discontinued product: %+v, %v", c, err)
	}

	// AdjustStockEach: every line's change, in order, or the first that
	// could not be made.
	want(t, "insert", q.InsertProduct(ctx, product("p2", "s1", "dairy", 5)), nil)
	want(t, "insert", q.InsertProduct(ctx, product("p3", "s1", "dairy", 5)), nil)
	err = st.InTx(ctx, func(tx *store.Tx) error {
		cs, failed, err := tx.AdjustStockEach(ctx, []store.StockDelta{{ProductID: "p2", Delta: -2}, {ProductID: "p3", Delta: -5}}, true, at)
		if err != nil || failed != -1 || len(cs) != 2 || cs[0].ProductID != "p2" || cs[0].Old != 5 || cs[0].New != 3 ||
			cs[1].ProductID != "p3" || cs[1].Old != 5 || cs[1].New != 0 || cs[1].ShopID != "s1" || cs[1].Version != 2 {
			t.Errorf("AdjustStockEach = %+v, %d, %v; want p2 5 → 3 and p3 5 → 0", cs, failed, err)
		}
		return err
	})
	want(t, "AdjustStockEach", err, nil)
	for _, bad := range [][]store.StockDelta{
		{{ProductID: "p2", Delta: -1}, {ProductID: "p3", Delta: -1}}, // p3 has none left
		{{ProductID: "p2", Delta: -1}, {ProductID: "p9", Delta: -1}}, // p9 is missing
		{{ProductID: "p1", Delta: -1}, {ProductID: "p2", Delta: -1}}, // p1 is discontinued
	} {
		wantFailed := 1
		if bad[0].ProductID == "p1" {
			wantFailed = 0
		}
		err = st.InTx(ctx, func(tx *store.Tx) error {
			_, failed, err := tx.AdjustStockEach(ctx, bad, true, at)
			if failed != wantFailed || !errors.Is(err, store.ErrNotFound) {
				t.Errorf("AdjustStockEach(%v) failed at %d with %v; want %d and ErrNotFound", bad, failed, err, wantFailed)
			}
			// The transaction is still usable, to say why.
			_, perr := tx.Product(ctx, bad[failed].ProductID)
			return errors.Join(err, perr)
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AdjustStockEach(%v) in a transaction: %v", bad, err)
		}
	}
	for id, stock := range map[string]int64{"p2": 3, "p3": 0} {
		if p, err := st.Read().Product(ctx, id); err != nil || p.Stock != stock {
			t.Errorf("%s after the rolled-back changes: stock %d (%v), want %d", id, p.Stock, err, stock)
		}
	}
}

func exerciseOrders(t *testing.T, st *store.Store) {
	ctx := exerciseContext(t)
	mustShop(t, st, "s1")
	mustShop(t, st, "s2")
	mustUsers(t, st, "c1", "c2")
	for _, p := range []*mohalla.Product{product("p1", "s1", "dairy", 9), product("p2", "s1", "dairy", 9), product("p3", "s2", "dairy", 9)} {
		want(t, "insert a product", st.Write().InsertProduct(ctx, p), nil)
	}
	insert := func(o *mohalla.Order) error {
		return st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertOrderLater(ctx, o, nil) })
	}
	want(t, "an order of a missing customer", insert(order("o0", "nobody", "s1", "p1")), store.ErrMissingRef)
	want(t, "an order of a missing product", insert(order("o0", "c1", "s1", "p9")), store.ErrMissingRef)
	for _, o := range []*mohalla.Order{order("o4", "c2", "s1", "p1"), order("o1", "c1", "s1", "p2", "p1"),
		order("o3", "c1", "s2", "p3"), order("o2", "c1", "s1", "p1")} {
		want(t, "insert "+o.ID, insert(o), nil)
	}
	want(t, "insert the same id", insert(order("o1", "c1", "s1", "p1")), store.ErrDuplicate)
	o, err := st.Read().Order(ctx, "o1")
	want(t, "read", err, nil)
	if len(o.Items) != 2 || o.Items[0].ProductID != "p2" || o.Items[1].ProductID != "p1" || o.DeliveryAddress.City != "Mumbai" {
		t.Errorf("o1 reads back as %+v; want its two items in line order and its address", o)
	}
	_, err = st.Read().Order(ctx, "o9")
	want(t, "read a missing order", err, store.ErrNotFound)

	pages := pageIDs(t, func(after string) ([]string, error) {
		os, err := st.Read().ListOrders(ctx, store.OrderFilter{UserID: "c1", After: after, Limit: 2})
		for _, o := range os {
			if len(o.Items) == 0 {
				t.Errorf("listed order %s has no items", o.ID)
			}
		}
		return idsOf(os, func(o mohalla.Order) string { return o.ID }), err
	})
	wantPages(t, "c1's orders", pages, [][]string{{"o1", "o2"}, {"o3"}})
	ofShop, err := st.Read().ListOrders(ctx, store.OrderFilter{ShopID: "s1", Limit: 10})
	want(t, "list by shop", err, nil)
	if ids := idsOf(ofShop, func(o mohalla.Order) string { return o.ID }); !slices.Equal(ids, []string{"o1", "o2", "o4"}) {
		t.Errorf("s1's orders = %v, want [o1 o2 o4]", ids)
	}

	// A status moves only from the status named.
	v, err := st.Write().SetOrderStatus(ctx, "o1", mohalla.StatusPending, mohalla.StatusConfirmed, at)
	if err != nil || v != 2 {
		t.Errorf("pending → confirmed: version %d, %v; want 2", v, err)
	}
	_, err = st.Write().SetOrderStatus(ctx, "o1", mohalla.StatusPending, mohalla.StatusCancelled, at)
	want(t, "move from a status it has left", err, store.ErrNotFound)
	_, err = st.Write().SetOrderStatus(ctx, "o9", mohalla.StatusPending, mohalla.StatusConfirmed, at)
	want(t, "move a missing order", err, store.ErrNotFound)
}

func exerciseEventLog(t *testing.T, st *store.Store) {
	ctx := exerciseContext(t)
	head, err := st.Read().LogHead(ctx)
	if err != nil || !head.IsZero() {
		t.Fatalf("the head of an empty log = %v, %v; want the zero position", head, err)
	}
	appendEvents := func(events ...mohalla.Event) (stored []mohalla.Event) {
		t.Helper()
		want(t, "append", st.InEventTx(ctx, func(tx *store.Tx) (err error) {
			stored, err = tx.AppendEvents(ctx, events)
			return err
		}), nil)
		return stored
	}
	// An id already in the log, or twice in one call, is stored once.
	stored := appendEvents(event("e1", "a/one"), event("e2", "b/two"), event("e1", "a/one"))
	if ids := idsOf(stored, func(e mohalla.Event) string { return e.ID }); !slices.Equal(ids, []string{"e1", "e2"}) {
		t.Errorf("stored %v, want [e1 e2]", ids)
	}
	appendEvents(event("e2", "b/two"), event("e3", "a/one"))
	appendEvents(event("e4", "b/two"))
	want(t, "catch up", st.Read().CatchUp(ctx), nil)

	all, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 100)
	want(t, "read the log", err, nil)
	if ids := idsOf(all, func(e mohalla.Event) string { return e.ID }); !slices.Equal(ids, []string{"e1", "e2", "e3", "e4"}) {
		t.Fatalf("the log reads %v, want [e1 e2 e3 e4]", ids)
	}
	for i := 1; i < len(all); i++ {
		if !all[i-1].Pos.Less(all[i].Pos) {
			t.Errorf("positions out of order: %v then %v", all[i-1].Pos, all[i].Pos)
		}
	}
	var data map[string]string // PostgreSQL keeps JSON as jsonb: the same value, not the same bytes
	if e := all[0]; e.Name != "a/one" || json.Unmarshal(e.Data, &data) != nil || data["n"] != "e1" ||
		e.User == nil || e.User.ID != "c1" || e.TS != at.UnixMilli() {
		t.Errorf("e1 reads back as %+v", e)
	}
	after, _ := st.Read().ReadEvents(ctx, all[1].Pos, "", 100)
	if ids := idsOf(after, func(e mohalla.Event) string { return e.ID }); !slices.Equal(ids, []string{"e3", "e4"}) {
		t.Errorf("after e2: %v, want [e3 e4]", ids)
	}
	named, _ := st.Read().ReadEvents(ctx, mohalla.Position{}, "b/two", 1)
	if ids := idsOf(named, func(e mohalla.Event) string { return e.ID }); !slices.Equal(ids, []string{"e2"}) {
		t.Errorf("the first b/two: %v, want [e2]", ids)
	}
	newest, _ := st.Read().ReadEventsBefore(ctx, mohalla.Position{}, "", 3)
	if ids := idsOf(newest, func(e mohalla.Event) string { return e.ID }); !slices.Equal(ids, []string{"e4", "e3", "e2"}) {
		t.Errorf("newest first: %v, want [e4 e3 e2]", ids)
	}
	older, _ := st.Read().ReadEventsBefore(ctx, all[2].Pos, "", 10)
	if ids := idsOf(older, func(e mohalla.Event) string { return e.ID }); !slices.Equal(ids, []string{"e2", "e1"}) {
		t.Errorf("before e3: %v, want [e2 e1]", ids)
	}
	head, err = st.Read().LogHead(ctx)
	if err != nil || head != all[3].Pos {
		t.Errorf("head = %v, %v; want e4's position %v", head, err, all[3].Pos)
	}
	e, err := st.Read().EventByID(ctx, "e3")
	if err != nil || e.Name != "a/one" || e.Pos != all[2].Pos {
		t.Errorf("EventByID(e3) = %+v, %v", e, err)
	}
	_, err = st.Read().EventByID(ctx, "e9")
	want(t, "a missing event", err, store.ErrNotFound)
}

func exerciseTransactions(t *testing.T, st *store.Store) {
	ctx := exerciseContext(t)
	failed := errors.New("the operation failed")
	err := st.InEventTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, user("u1")); err != nil {
			return err
		}
		if _, err := tx.AppendEvents(ctx, []mohalla.Event{event("e1", "a/one")}); err != nil {
			return err
		}
		return failed
	})
	want(t, "a transaction whose function fails", err, failed)
	_, err = st.Read().User(ctx, "u1")
	want(t, "a user of a rolled-back transaction", err, store.ErrNotFound)
	if evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "", 10); err != nil || len(evs) != 0 {
		t.Errorf("a rolled-back transaction left events %v, %v", evs, err)
	}

	rec := store.IdempotencyRecord{Scope: "order", Key: "k1", RequestHash: "h1", ResourceID: "o1"}
	insert := func() error {
		return st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertIdempotency(ctx, rec, at) })
	}
	want(t, "remember a key", insert(), nil)
	want(t, "remember it again", insert(), store.ErrDuplicate)
	got, err := st.Read().Idempotency(ctx, "order", "k1")
	if err != nil || got != rec {
		t.Errorf("Idempotency = %+v, %v; want %+v", got, err, rec)
	}
	_, err = st.Read().Idempotency(ctx, "order", "k2")
	want(t, "a key never used", err, store.ErrNotFound)
}

// pageIDs reads every page from list, feeding each page's last id as the
// next cursor, and returns the pages.
func pageIDs(t *testing.T, list func(after string) ([]string, error)) [][]string {
	t.Helper()
	var pages [][]string
	after := ""
	for range 100 {
		ids, err := list(after)
		want(t, "list", err, nil)
		if len(ids) == 0 {
			return pages
		}
		pages = append(pages, ids)
		after = ids[len(ids)-1]
	}
	t.Fatal("paging does not end")
	return nil
}

func wantPages(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("%s paged as %v, want %v", what, got, want)
	}
}

func idsOf[T any](rows []T, id func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func mustUsers(t *testing.T, st *store.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		want(t, "insert user "+id, st.Write().InsertUser(exerciseContext(t), user(id)), nil)
	}
}

// mustShop inserts shop id and its owner, o-id.
func mustShop(t *testing.T, st *store.Store, id string) {
	t.Helper()
	mustUsers(t, st, "o-"+id)
	want(t, "insert shop "+id, st.Write().InsertShop(exerciseContext(t), shop(id, "o-"+id)), nil)
}

func user(id string) *mohalla.User {
	return &mohalla.User{ID: id, Email: id + "@example.com", Name: "User " + id, Version: 1, CreatedAt: at, UpdatedAt: at}
}

func shop(id, owner string) *mohalla.Shop {
	return &mohalla.Shop{ID: id, Name: "Shop " + id, OwnerID: owner, Location: mohalla.Location{Lat: 19.07, Lng: 72.87},
		Pincode: "400050", Version: 1, CreatedAt: at, UpdatedAt: at}
}

func product(id, shopID, category string, stock int64) *mohalla.Product {
	return &mohalla.Product{ID: id, ShopID: shopID, Name: "Product " + id, Price: 2500, Category: category,
		Stock: stock, LowStockThreshold: 2, Version: 1, CreatedAt: at, UpdatedAt: at}
}

func order(id, userID, shopID string, productIDs ...string) *mohalla.Order {
	o := &mohalla.Order{ID: id, UserID: userID, ShopID: shopID, Status: mohalla.StatusPending, Version: 1,
		CreatedAt: at, UpdatedAt: at}
	o.DeliveryAddress = mohalla.Address{Street: "1 Link Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}
	for _, p := range productIDs {
		o.Items = append(o.Items, mohalla.OrderItem{ProductID: p, Name: "Product " + p, Quantity: 1, Price: 2500})
		o.TotalAmount += 2500
	}
	return o
}

func event(id, name string) mohalla.Event {
	data, _ := json.Marshal(map[string]string{"n": id})
	return mohalla.Event{ID: id, Name: name, Data: data, User: &mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer},
		TS: at.UnixMilli(), V: mohalla.EventVersion}
}

// exerciseContext is the context of the suite's store calls: the system caller,
// which row-level security lets see and write every row.
func exerciseContext(t testing.TB) context.Context {
	return store.AsSystem(t.Context(), "conformance")
}
