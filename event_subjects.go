package mohalla

// Entity names a kind of row that events change.
type Entity string

// The kinds of rows the data layer's events change.
const (
	EntityUser    Entity = "user"
	EntityShop    Entity = "shop"
	EntityProduct Entity = "product"
	EntityOrder   Entity = "order"
)

// Subjects are the rows an event of the data layer is about: the one it
// changed, and the user and shop that row belongs to. Projections (the cache,
// search, live topics) read them instead of decoding each event themselves.
type Subjects struct {
	// Entity and ID name the row the event changed; Entity is "" for an event
	// that changes none (the inventory events, which come with the
	// product/updated that changed the stock, and product/viewed).
	Entity Entity
	ID     string
	// Version is the version the change left the row at; 0 when the event
	// does not say. Rows are created at version 1.
	Version int64
	// ShopID is the shop of a product or order, or the shop itself; UserID
	// the customer of an order, the owner of a shop, or the user itself.
	ShopID, UserID string
	// ProductID is the product of a product or inventory event.
	ProductID string
}

// SubjectsOf returns the subjects of e, or false if e is not one of the data
// layer's own events or its data does not decode.
func SubjectsOf(e Event) (Subjects, bool) {
	decode, ok := subjectDecoders[e.Name]
	if !ok {
		return Subjects{}, false
	}
	s, err := decode(e)
	return s, err == nil
}

// subjectDecoders decode each event of the data layer into its subjects.
var subjectDecoders = map[string]func(Event) (Subjects, error){
	EventUserCreated: subjectsBy(UserCreatedEvent, func(d UserEvent) Subjects {
		return Subjects{Entity: EntityUser, ID: d.UserID, Version: 1, UserID: d.UserID}
	}),
	EventShopCreated: subjectsBy(ShopCreatedEvent, func(d ShopEvent) Subjects {
		return Subjects{Entity: EntityShop, ID: d.ShopID, Version: 1, ShopID: d.ShopID, UserID: d.OwnerID}
	}),
	EventProductCreated: productSubjectsBy(EventProductCreated, productSubjects),
	EventProductDeleted: productSubjectsBy(EventProductDeleted, productSubjects),
	EventProductUpdated: productSubjectsBy(EventProductUpdated, func(d productKeys) Subjects {
		return Subjects{Entity: EntityProduct, ID: d.ProductID, Version: d.Version, ShopID: d.ShopID, ProductID: d.ProductID}
	}),
	EventOrderCreated: subjectsBy(EventType[orderKeys]{EventOrderCreated}, func(d orderKeys) Subjects {
		return Subjects{Entity: EntityOrder, ID: d.OrderID, Version: 1, ShopID: d.ShopID, UserID: d.UserID}
	}),
	EventOrderUpdated: subjectsBy(OrderUpdatedEvent, func(d OrderUpdated) Subjects {
		return Subjects{Entity: EntityOrder, ID: d.OrderID, Version: d.Version, ShopID: d.ShopID, UserID: d.UserID}
	}),
	EventLowStock:      subjectsBy(LowStockEvent, inventorySubjects),
	EventOutOfStock:    subjectsBy(OutOfStockEvent, inventorySubjects),
	EventBackInStock:   subjectsBy(BackInStockEvent, inventorySubjects),
	EventProductViewed: subjectsBy(ProductViewedEvent, func(d ProductViewed) Subjects { return Subjects{ProductID: d.ProductID} }),
}

// productKeys is what the subjects of a product event need of its data: a
// batch write appends a thousand product events at once and every projection
// of every node asks for their subjects, so they skip decoding the rest (the
// prices, names, the changes).
type productKeys struct {
	ProductID string `json:"productId"`
	ShopID    string `json:"shopId"`
	Version   int64  `json:"version"`
}

// orderKeys is what the subjects of order/created need of its data: the
// write that placed the order asks for them after its commit, to invalidate
// the cache, as every projection does; decoding the items, prices and
// address as well took 11 µs a call against 5 µs (issue 14, loaded machine).
type orderKeys struct {
	OrderID string `json:"orderId"`
	UserID  string `json:"userId"`
	ShopID  string `json:"shopId"`
}

func productSubjects(d productKeys) Subjects {
	return Subjects{Entity: EntityProduct, ID: d.ProductID, Version: max(d.Version, 1), ShopID: d.ShopID, ProductID: d.ProductID}
}

func inventorySubjects(d InventoryEvent) Subjects {
	return Subjects{ShopID: d.ShopID, ProductID: d.ProductID}
}

// productSubjectsBy is subjectsBy for a product event: its keys read by
// scanProductKeys where it can, else decoded.
func productSubjectsBy(name string, of func(productKeys) Subjects) func(Event) (Subjects, error) {
	slow := subjectsBy(EventType[productKeys]{name}, of)
	return func(e Event) (Subjects, error) {
		if e.Name == name {
			if d, ok := scanProductKeys(e.Data); ok {
				return of(d), nil
			}
		}
		return slow(e)
	}
}

func subjectsBy[T any](t EventType[T], of func(T) Subjects) func(Event) (Subjects, error) {
	return func(e Event) (Subjects, error) {
		d, err := t.Decode(e)
		if err != nil {
			return Subjects{}, err
		}
		return of(d), nil
	}
}
