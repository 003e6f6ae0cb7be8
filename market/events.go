package market

import (
	"encoding/json"
	"fmt"

	"github.com/mohallamart/mohalla"
)

// EventType ties an event's name to the type of its data, so nobody writes a
// name string by hand or decodes data into the wrong shape.
type EventType[T any] struct{ Name string }

// Decode returns e's data, or an error if e is another event or its data does
// not fit T.
func (t EventType[T]) Decode(e mohalla.Event) (T, error) {
	var v T
	if e.Name != t.Name {
		return v, fmt.Errorf("event %s is not %s", e.Name, t.Name)
	}
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return v, fmt.Errorf("event %s data: %w", t.Name, err)
	}
	return v, nil
}

// New returns an event of this type with data, for SendEvents: Inngest's typed
// send. id may be "" for a new ULID.
func (t EventType[T]) New(id string, data T) (SendEvent, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return SendEvent{}, fmt.Errorf("event %s data: %w", t.Name, err)
	}
	return SendEvent{ID: id, Name: t.Name, Data: b}, nil
}

// ProductViewed is the data of product/viewed, which clients send when a
// shopper opens a product.
type ProductViewed struct {
	ProductID string `json:"productId"`
	UserID    string `json:"userId,omitempty"`
}

// The events of the marketplace. The data layer appends all but
// ProductViewedEvent itself, in the transaction of the write they describe.
var (
	UserCreatedEvent    = EventType[UserEvent]{mohalla.EventUserCreated}
	ShopCreatedEvent    = EventType[ShopEvent]{mohalla.EventShopCreated}
	ProductCreatedEvent = EventType[ProductEvent]{mohalla.EventProductCreated}
	ProductUpdatedEvent = EventType[ProductUpdated]{mohalla.EventProductUpdated}
	ProductDeletedEvent = EventType[ProductEvent]{mohalla.EventProductDeleted}
	OrderCreatedEvent   = EventType[OrderEvent]{mohalla.EventOrderCreated}
	OrderUpdatedEvent   = EventType[OrderUpdated]{mohalla.EventOrderUpdated}
	LowStockEvent       = EventType[InventoryEvent]{mohalla.EventLowStock}
	OutOfStockEvent     = EventType[InventoryEvent]{mohalla.EventOutOfStock}
	BackInStockEvent    = EventType[InventoryEvent]{mohalla.EventBackInStock}
	ProductViewedEvent  = EventType[ProductViewed]{"product/viewed"}
)
