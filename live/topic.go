package live

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mohallamart/mohalla"
)

// Topic kinds, one per read a topic mirrors.
const (
	kindProduct      = "product"       // product:{id}
	kindShopProducts = "shop-products" // shop:{id}:products
	kindOrder        = "order"         // order:{id}
	kindUserOrders   = "user-orders"   // user:{id}:orders
	kindShopOrders   = "shop-orders"   // shop:{id}:orders
)

// maxTopics bounds the topics of one stream.
const maxTopics = 50

// topic is a parsed topic name.
type topic struct {
	name string // as the client wrote it
	kind string
	id   string
}

var topicID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// parseTopics reads the comma-separated topics parameter; EINVALID names the
// first bad one.
func parseTopics(s string) ([]topic, error) {
	var out []topic
	seen := map[string]bool{}
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		t, ok := parseTopic(name)
		if !ok {
			return nil, &mohalla.Error{Code: mohalla.EINVALID, Message: "the request has invalid fields",
				Fields: []mohalla.FieldError{{Field: "topics", Message: fmt.Sprintf("%q is not a topic: use product:{id}, "+
					"shop:{id}:products, order:{id}, user:{id}:orders or shop:{id}:orders", name)}}}
		}
		out = append(out, t)
	}
	switch {
	case len(out) == 0:
		return nil, &mohalla.Error{Code: mohalla.EINVALID, Message: "the request has invalid fields",
			Fields: []mohalla.FieldError{{Field: "topics", Message: "name at least one topic"}}}
	case len(out) > maxTopics:
		return nil, &mohalla.Error{Code: mohalla.EINVALID, Message: "the request has invalid fields",
			Fields: []mohalla.FieldError{{Field: "topics", Message: fmt.Sprintf("name at most %d topics", maxTopics)}}}
	}
	return out, nil
}

func parseTopic(name string) (topic, bool) {
	parts := strings.Split(name, ":")
	t := topic{name: name}
	switch {
	case len(parts) == 2 && parts[0] == "product":
		t.kind = kindProduct
	case len(parts) == 2 && parts[0] == "order":
		t.kind = kindOrder
	case len(parts) == 3 && parts[0] == "shop" && parts[2] == "products":
		t.kind = kindShopProducts
	case len(parts) == 3 && parts[0] == "shop" && parts[2] == "orders":
		t.kind = kindShopOrders
	case len(parts) == 3 && parts[0] == "user" && parts[2] == "orders":
		t.kind = kindUserOrders
	default:
		return t, false
	}
	t.id = parts[1]
	return t, topicID.MatchString(t.id)
}

// topicsOf returns the names of the topics event e changes: a product's and its
// shop's products for the public product events, an order's, its customer's
// and its shop's orders for the order events.
func topicsOf(e mohalla.Event) []string {
	sub, ok := mohalla.SubjectsOf(e)
	if !ok {
		return nil
	}
	var out []string
	add := func(prefix, id, suffix string) {
		if id != "" {
			out = append(out, prefix+id+suffix)
		}
	}
	switch {
	case sub.Entity == mohalla.EntityProduct && publicProductEvents[e.Name]:
		add("product:", sub.ID, "")
		add("shop:", sub.ShopID, ":products")
	case sub.Entity == mohalla.EntityOrder:
		add("order:", sub.ID, "")
		add("user:", sub.UserID, ":orders")
		add("shop:", sub.ShopID, ":orders")
	}
	return out
}
