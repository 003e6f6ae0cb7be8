package live

import (
	"encoding/json"
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

// topicsOf returns the names of the topics event e changes.
func topicsOf(e mohalla.Event) []string {
	kind, _, _ := strings.Cut(e.Name, "/")
	if kind != "product" && kind != "order" {
		return nil
	}
	var d struct {
		ProductID string `json:"productId"`
		OrderID   string `json:"orderId"`
		UserID    string `json:"userId"`
		ShopID    string `json:"shopId"`
	}
	if json.Unmarshal(e.Data, &d) != nil {
		return nil
	}
	var out []string
	if kind == "product" {
		if !publicProductEvents[e.Name] {
			return nil
		}
		if d.ProductID != "" {
			out = append(out, "product:"+d.ProductID)
		}
		if d.ShopID != "" {
			out = append(out, "shop:"+d.ShopID+":products")
		}
		return out
	}
	if d.OrderID != "" {
		out = append(out, "order:"+d.OrderID)
	}
	if d.UserID != "" {
		out = append(out, "user:"+d.UserID+":orders")
	}
	if d.ShopID != "" {
		out = append(out, "shop:"+d.ShopID+":orders")
	}
	return out
}
