package search

import (
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
)

// A product read from its product/created event gives the document values
// its row gives: the row's creation time has microseconds, the event's ts
// milliseconds, and the index keeps the millisecond.
func TestCreatedProductAsItsRow(t *testing.T) {
	now := time.Date(2026, 12, 5, 16, 20, 1, 123456000, time.UTC) // .123456
	row := mohalla.Product{ID: "p1", ShopID: "s1", Name: "Gulkand Barfi", Description: "rose", Category: "sweets",
		Price: 12345, Unit: "box", Stock: 7, LowStockThreshold: 3, Version: 1, CreatedAt: now, UpdatedAt: now}
	data, err := mohalla.ProductCreatedEvent.Encode(mohalla.ProductEvent{ProductID: row.ID, ShopID: row.ShopID,
		Name: row.Name, Description: row.Description, Category: row.Category, Price: row.Price, Unit: row.Unit,
		Stock: row.Stock, LowStockThreshold: row.LowStockThreshold, Version: row.Version})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := createdProduct(mohalla.Event{ID: "e1", Name: mohalla.EventProductCreated, Data: data, TS: now.UnixMilli()})
	if !ok {
		t.Fatal("createdProduct: not ok")
	}
	if got, want := columnsValue(*p, 2), columnsValue(row, 2); got != want {
		t.Errorf("columns from the event %q, from the row %q", got, want)
	}
	a, b := productSource{p.Name, p.ShopID, p.Category, int64(p.Price), p.Unit, p.Stock, p.Version},
		productSource{row.Name, row.ShopID, row.Category, int64(row.Price), row.Unit, row.Stock, row.Version}
	if a != b || p.Description != row.Description || p.LowStockThreshold != row.LowStockThreshold {
		t.Errorf("from the event %+v, from the row %+v", *p, row)
	}
	for _, e := range []mohalla.Event{
		{Name: mohalla.EventProductUpdated, Data: data, TS: 1},
		{Name: mohalla.EventProductCreated, Data: []byte(`{"productId": "p1", "price": "x"}`), TS: 1},
		{Name: mohalla.EventProductCreated, Data: []byte(`{"productId": "p1"}`), TS: 1}, // no version
	} {
		if _, ok := createdProduct(e); ok {
			t.Errorf("createdProduct(%s %s): ok", e.Name, e.Data)
		}
	}
}
