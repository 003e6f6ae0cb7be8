package mohalla

import "time"

// User is a customer, shop owner or admin account.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Phone     string    `json:"phone,omitempty"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Location is a point in degrees.
type Location struct {
	Lat float64 `json:"lat" rule:"lat"`
	Lng float64 `json:"lng" rule:"lng"`
}

// Shop is a neighbourhood store owned by one user.
type Shop struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	OwnerID   string    `json:"ownerId"`
	Location  Location  `json:"location"`
	Pincode   string    `json:"pincode"`
	Address   string    `json:"address,omitempty"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Product is something a shop sells, with its stock. A discontinued product has
// DeletedAt set: it is no longer listed, searchable or orderable.
type Product struct {
	ID                string     `json:"id"`
	ShopID            string     `json:"shopId"`
	Name              string     `json:"name"`
	Description       string     `json:"description,omitempty"`
	Price             Money      `json:"price"`
	Category          string     `json:"category"`
	Unit              string     `json:"unit,omitempty"`
	Stock             int64      `json:"stock"`
	LowStockThreshold int64      `json:"lowStockThreshold"`
	Version           int64      `json:"version"`
	CreatedAt         time.Time  `json:"createdAt"`
	UpdatedAt         time.Time  `json:"updatedAt"`
	DeletedAt         *time.Time `json:"deletedAt,omitempty"`
}

// Address is where an order is delivered.
type Address struct {
	Street  string `json:"street" rule:"name"`
	City    string `json:"city" rule:"place"`
	Pincode string `json:"pincode" rule:"pincode"`
	State   string `json:"state" rule:"place"`
}

// OrderItem is one line of an order, at the price when it was ordered.
type OrderItem struct {
	ProductID string `json:"productId"`
	Name      string `json:"name"`
	Quantity  int64  `json:"quantity"`
	Price     Money  `json:"price"`
}

// Order is a customer's purchase from one shop.
type Order struct {
	ID              string      `json:"id"`
	UserID          string      `json:"userId"`
	ShopID          string      `json:"shopId"`
	Items           []OrderItem `json:"items"`
	TotalAmount     Money       `json:"totalAmount"`
	Status          OrderStatus `json:"status"`
	DeliveryAddress Address     `json:"deliveryAddress"`
	Version         int64       `json:"version"`
	CreatedAt       time.Time   `json:"createdAt"`
	UpdatedAt       time.Time   `json:"updatedAt"`
}

// Page is one page of a list and the cursor of the next page ("" at the end).
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}
