package mohalla_test

import (
	"encoding/json"
	"testing"

	"github.com/mohallamart/mohalla"
)

func TestSubjectsOf(t *testing.T) {
	event := func(name, data string) mohalla.Event {
		return mohalla.Event{Name: name, Data: json.RawMessage(data)}
	}
	tests := []struct {
		name string
		e    mohalla.Event
		want mohalla.Subjects
		ok   bool
	}{
		{"user created", event("user/created", `{"userId":"u1","email":"a@b.in"}`),
			mohalla.Subjects{Entity: mohalla.EntityUser, ID: "u1", Version: 1, UserID: "u1"}, true},
		{"shop created", event("shop/created", `{"shopId":"s1","ownerId":"u1"}`),
			mohalla.Subjects{Entity: mohalla.EntityShop, ID: "s1", Version: 1, ShopID: "s1", UserID: "u1"}, true},
		{"product created", event("product/created", `{"productId":"p1","shopId":"s1","version":1}`),
			mohalla.Subjects{Entity: mohalla.EntityProduct, ID: "p1", Version: 1, ShopID: "s1", ProductID: "p1"}, true},
		{"product updated", event("product/updated", `{"productId":"p1","shopId":"s1","version":7,"reason":"stock"}`),
			mohalla.Subjects{Entity: mohalla.EntityProduct, ID: "p1", Version: 7, ShopID: "s1", ProductID: "p1"}, true},
		{"product deleted", event("product/deleted", `{"productId":"p1","shopId":"s1","version":9}`),
			mohalla.Subjects{Entity: mohalla.EntityProduct, ID: "p1", Version: 9, ShopID: "s1", ProductID: "p1"}, true},
		{"order created", event("order/created", `{"orderId":"o1","userId":"u1","shopId":"s1"}`),
			mohalla.Subjects{Entity: mohalla.EntityOrder, ID: "o1", Version: 1, ShopID: "s1", UserID: "u1"}, true},
		{"order updated", event("order/updated", `{"orderId":"o1","userId":"u1","shopId":"s1","version":3}`),
			mohalla.Subjects{Entity: mohalla.EntityOrder, ID: "o1", Version: 3, ShopID: "s1", UserID: "u1"}, true},
		// The inventory events and product/viewed change no row: the stock
		// change comes with its own product/updated, and a view is a client's word.
		{"low stock", event("inventory/low-stock", `{"productId":"p1","shopId":"s1","stock":2}`),
			mohalla.Subjects{ShopID: "s1", ProductID: "p1"}, true},
		{"viewed", event("product/viewed", `{"productId":"p1","userId":"u1"}`),
			mohalla.Subjects{ProductID: "p1"}, true},
		{"not the data layer's", event("cart/abandoned", `{"productId":"p1"}`), mohalla.Subjects{}, false},
		{"data that does not decode", event("order/updated", `{"orderId":5}`), mohalla.Subjects{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := mohalla.SubjectsOf(tt.e)
			if got != tt.want || ok != tt.ok {
				t.Errorf("SubjectsOf = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
