package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// TopQuery selects the products TopProducts ranks: those of ShopID ("" for
// every shop, admins only) over the last Days days, today included (1 to 90;
// 0 means 7).
type TopQuery struct {
	ShopID string
	Days   int
}

const (
	defaultTopDays = 7
	maxTopDays     = 90
	// TopLimit is how many products TopProducts ranks.
	TopLimit = 10
)

// TopProduct is a ranked product and its figures over the range.
type TopProduct struct {
	Rank      int          `json:"rank"`
	ProductID string       `json:"productId"`
	ShopID    string       `json:"shopId"`
	Name      string       `json:"name"`
	Sales     ProductSales `json:"sales"`
}

// TopProducts is the ranking TopProducts returns.
type TopProducts struct {
	ShopID   string       `json:"shopId,omitempty"`
	Days     int          `json:"days"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	TimeZone string       `json:"timeZone"`
	Items    []TopProduct `json:"items"`
}

// TopProducts ranks the TopLimit products with the most net revenue over the
// last q.Days days (then net units, then views), to the shop's owner and to
// admins; without a shop, to admins only. Errors: EUNAUTHENTICATED, EFORBIDDEN,
// ENOTFOUND if there is no such shop, EINVALID naming days.
func (a *Analytics) TopProducts(ctx context.Context, c mohalla.Caller, q TopQuery) (TopProducts, error) {
	ctx = store.WithCaller(ctx, c)
	var none TopProducts
	if q.ShopID == "" {
		if err := authAll(c); err != nil {
			return none, err
		}
	} else if _, err := a.authShop(ctx, c, q.ShopID); err != nil {
		return none, err
	}
	if q.Days == 0 {
		q.Days = defaultTopDays
	}
	if q.Days < 1 || q.Days > maxTopDays {
		var v mohalla.Invalid
		v.Add("days", "must be between 1 and %d", maxTopDays)
		return none, v.Err()
	}
	end, _ := time.Parse(dayLayout, a.today())
	from, to := end.AddDate(0, 0, 1-q.Days).Format(dayLayout), end.Format(dayLayout)
	rows, err := a.st.Read().TopProducts(ctx, store.TopProductFilter{ShopID: q.ShopID, From: from, To: to, Limit: TopLimit})
	if err != nil {
		return none, fmt.Errorf("analytics: top products: %w", err)
	}
	out := TopProducts{ShopID: q.ShopID, Days: q.Days, From: from, To: to, TimeZone: a.cfg.Location.String(),
		Items: make([]TopProduct, len(rows))}
	for i, r := range rows {
		s := productSales(r.ProductDay)
		s.Day = ""
		out.Items[i] = TopProduct{Rank: i + 1, ProductID: r.ProductID, ShopID: r.ShopID, Name: r.Name, Sales: s}
	}
	return out, nil
}
