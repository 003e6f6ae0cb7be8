package mohalla

import (
	"encoding/json"
	"fmt"
)

// EventType ties an event's name to the type of its data, so nobody writes a
// name string by hand or decodes data into the wrong shape.
type EventType[T any] struct{ Name string }

// Decode returns e's data, or an error if e is another event or its data does
// not fit T.
func (t EventType[T]) Decode(e Event) (T, error) {
	var v T
	if e.Name != t.Name {
		return v, fmt.Errorf("event %s is not %s", e.Name, t.Name)
	}
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return v, fmt.Errorf("event %s data: %w", t.Name, err)
	}
	return v, nil
}

// Encode returns data as an event's data.
func (t EventType[T]) Encode(data T) (json.RawMessage, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("event %s data: %w", t.Name, err)
	}
	return b, nil
}

// The events of the marketplace and the types of their data. The data layer
// appends all but ProductViewedEvent itself, in the transaction of the write
// they describe.
var (
	UserCreatedEvent    = EventType[UserEvent]{EventUserCreated}
	ShopCreatedEvent    = EventType[ShopEvent]{EventShopCreated}
	ProductCreatedEvent = EventType[ProductEvent]{EventProductCreated}
	ProductUpdatedEvent = EventType[ProductUpdated]{EventProductUpdated}
	ProductDeletedEvent = EventType[ProductEvent]{EventProductDeleted}
	OrderCreatedEvent   = EventType[OrderEvent]{EventOrderCreated}
	OrderUpdatedEvent   = EventType[OrderUpdated]{EventOrderUpdated}
	LowStockEvent       = EventType[InventoryEvent]{EventLowStock}
	OutOfStockEvent     = EventType[InventoryEvent]{EventOutOfStock}
	BackInStockEvent    = EventType[InventoryEvent]{EventBackInStock}
	ProductViewedEvent  = EventType[ProductViewed]{EventProductViewed}
)

// EventProductViewed is the one product event clients send, when a shopper
// opens a product.
const EventProductViewed = "product/viewed"

// UserEvent is the data of user/created.
type UserEvent struct {
	UserID string `json:"userId"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Phone  string `json:"phone,omitempty"`
}

// ShopEvent is the data of shop/created.
type ShopEvent struct {
	ShopID   string   `json:"shopId"`
	Name     string   `json:"name"`
	OwnerID  string   `json:"ownerId"`
	Location Location `json:"location"`
	Pincode  string   `json:"pincode"`
}

// ProductEvent is the data of product/created and product/deleted.
type ProductEvent struct {
	ProductID         string `json:"productId"`
	ShopID            string `json:"shopId"`
	Name              string `json:"name"`
	Description       string `json:"description,omitempty"`
	Category          string `json:"category"`
	Price             Money  `json:"price"`
	Unit              string `json:"unit,omitempty"`
	Stock             int64  `json:"stock"`
	LowStockThreshold int64  `json:"lowStockThreshold"`
	Version           int64  `json:"version"`
}

// Change is a field's value before and after an update.
type Change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// ProductUpdated is the data of product/updated: what changed, and why.
type ProductUpdated struct {
	ProductID string            `json:"productId"`
	ShopID    string            `json:"shopId"`
	Version   int64             `json:"version"`
	Changes   map[string]Change `json:"changes"`
	Reason    string            `json:"reason"` // "edit", "stock", "order", "cancel"
	OrderID   string            `json:"orderId,omitempty"`
}

// OrderEvent is the data of order/created.
type OrderEvent struct {
	OrderID         string      `json:"orderId"`
	UserID          string      `json:"userId"`
	ShopID          string      `json:"shopId"`
	Items           []OrderItem `json:"items"`
	TotalAmount     Money       `json:"totalAmount"`
	Status          OrderStatus `json:"status"`
	DeliveryAddress Address     `json:"deliveryAddress"`
}

// OrderUpdated is the data of order/updated.
type OrderUpdated struct {
	OrderID   string      `json:"orderId"`
	UserID    string      `json:"userId"`
	ShopID    string      `json:"shopId"`
	OldStatus OrderStatus `json:"oldStatus"`
	Status    OrderStatus `json:"status"`
	Version   int64       `json:"version"`
	Reason    string      `json:"reason,omitempty"` // why it was cancelled, if the shop said
}

// InventoryEvent is the data of the inventory/* events.
type InventoryEvent struct {
	ProductID     string `json:"productId"`
	ShopID        string `json:"shopId"`
	Name          string `json:"name"`
	Stock         int64  `json:"stock"`
	PreviousStock int64  `json:"previousStock"`
	Threshold     int64  `json:"threshold"`
}

// ProductViewed is the data of product/viewed, which clients send when a
// shopper opens a product.
type ProductViewed struct {
	ProductID string `json:"productId"`
	UserID    string `json:"userId,omitempty"`
}
