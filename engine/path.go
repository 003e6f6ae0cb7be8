package engine

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mohallamart/mohalla"
)

// lookup returns the value at a dotted path of an event's envelope ("id",
// "name", "user.sub", "data.shopId", "data.items.0.productId") as text, or "" if
// there is none. Strings are returned bare, other values as JSON.
func lookup(e mohalla.Event, path string) string {
	head, rest, _ := strings.Cut(path, ".")
	switch head {
	case "id":
		return e.ID
	case "name":
		return e.Name
	case "ts":
		return strconv.FormatInt(e.TS, 10)
	case "user":
		if e.User == nil {
			return ""
		}
		b, _ := json.Marshal(e.User)
		return walk(b, rest)
	case "data":
		return walk(e.Data, rest)
	}
	return ""
}

func walk(doc json.RawMessage, path string) string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return ""
	}
	if path != "" {
		for _, k := range strings.Split(path, ".") {
			switch x := v.(type) {
			case map[string]any:
				v = x[k]
			case []any:
				i, err := strconv.Atoi(k)
				if err != nil || i < 0 || i >= len(x) {
					return ""
				}
				v = x[i]
			default:
				return ""
			}
		}
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// Lookup returns the value at a dotted path of an event ("data.shopId"), as the
// engine's key options read it.
func Lookup(e mohalla.Event, path string) string { return lookup(e, path) }
