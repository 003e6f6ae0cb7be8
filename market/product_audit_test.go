package market

import (
	"encoding/json"
	"testing"

	"github.com/mohallamart/mohalla"
)

// TestCreatedAuditText: a created product's audit row says what the map it
// replaced said, byte for byte (names with characters json escapes included),
// so rows written before and after read alike.
func TestCreatedAuditText(t *testing.T) {
	for _, p := range []mohalla.Product{
		{Name: "Atta 5kg", Description: "Chakki fresh", Price: 4950, Category: "staples", Unit: "kg", Stock: 12, LowStockThreshold: 10},
		{Name: `<b>"Dal" & more</b>`, Description: "line\nbreak \u2028 é", Price: 0, Category: "", Unit: "", Stock: 0},
	} {
		m, err := json.Marshal(map[string]any{"name": p.Name, "description": p.Description, "price": p.Price,
			"category": p.Category, "unit": p.Unit, "stock": p.Stock, "lowStockThreshold": p.LowStockThreshold})
		if err != nil {
			t.Fatal(err)
		}
		s, err := json.Marshal(createdAudit(p))
		if err != nil {
			t.Fatal(err)
		}
		if string(s) != string(m) {
			t.Errorf("createdAudit writes\n%s\nthe map wrote\n%s", s, m)
		}
	}
}
