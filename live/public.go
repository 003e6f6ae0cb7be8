package live

import (
	"encoding/json"

	"github.com/mohallamart/mohalla"
)

// Product topics are anyone's to follow, so a change on them carries only
// what GET /v1/products/{id} shows anyone: never the order that moved the
// stock, or its customer. Order topics are read only by those who may read the
// order, and carry the event's data whole.

// publicProductEvents are the events product topics carry; product/viewed
// (which names a shopper) and events sent from outside do not reach them.
var publicProductEvents = map[string]bool{
	mohalla.EventProductCreated: true,
	mohalla.EventProductUpdated: true,
	mohalla.EventProductDeleted: true,
}

// publicProductFields are the fields of a product anyone may see, by their
// JSON names in events and in mohalla.Product.
var publicProductFields = map[string]bool{
	"productId": true, "shopId": true, "name": true, "description": true, "price": true, "category": true,
	"unit": true, "stock": true, "lowStockThreshold": true, "version": true,
}

// publicReasons are the reasons of product/updated a subscriber may see; the
// others are told as "stock" (an order placed or cancelled changes only that).
var publicReasons = map[string]bool{"edit": true, "stock": true}

// publicProductData is the data of a product event as product topics carry
// it: its public fields, and of product/updated the changes of public fields
// and the reason.
func publicProductData(name string, data json.RawMessage) json.RawMessage {
	var in map[string]json.RawMessage
	if json.Unmarshal(data, &in) != nil {
		return json.RawMessage("{}")
	}
	out := map[string]json.RawMessage{}
	for k, v := range in {
		if publicProductFields[k] {
			out[k] = v
		}
	}
	if name == mohalla.EventProductUpdated {
		var changes map[string]json.RawMessage
		if json.Unmarshal(in["changes"], &changes) == nil {
			for k := range changes {
				if !publicProductFields[k] {
					delete(changes, k)
				}
			}
			out["changes"], _ = json.Marshal(changes)
		}
		var reason string
		_ = json.Unmarshal(in["reason"], &reason)
		if !publicReasons[reason] {
			reason = "stock"
		}
		out["reason"], _ = json.Marshal(reason)
	}
	b, _ := json.Marshal(out)
	return b
}
