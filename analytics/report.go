package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// ProductSales are a product's figures for a day, or summed over a range (Day
// ""). Orders, GrossUnits and GrossRevenue are as the orders were placed;
// CancelledOrders are the part of those orders cancelled since, and Units and
// Revenue are net of them.
type ProductSales struct {
	Day             string        `json:"day,omitempty"`
	Orders          int64         `json:"orders"`
	CancelledOrders int64         `json:"cancelledOrders"`
	Units           int64         `json:"units"`
	GrossUnits      int64         `json:"grossUnits"`
	Revenue         mohalla.Money `json:"revenue"`
	GrossRevenue    mohalla.Money `json:"grossRevenue"`
	Views           int64         `json:"views"`
}

func productSales(d store.ProductDay) ProductSales {
	return ProductSales{Day: d.Day, Orders: d.Orders, CancelledOrders: d.CancelledOrders,
		Units: d.Units - d.CancelledUnits, GrossUnits: d.Units, Revenue: d.Revenue - d.CancelledRevenue,
		GrossRevenue: d.Revenue, Views: d.Views}
}

func (s *ProductSales) add(d ProductSales) {
	s.Orders += d.Orders
	s.CancelledOrders += d.CancelledOrders
	s.Units += d.Units
	s.GrossUnits += d.GrossUnits
	s.Revenue += d.Revenue
	s.GrossRevenue += d.GrossRevenue
	s.Views += d.Views
}

// ProductReport is a product's figures over a range of days.
type ProductReport struct {
	ProductID string `json:"productId"`
	ShopID    string `json:"shopId"`
	Name      string `json:"name"`
	From      string `json:"from"`
	To        string `json:"to"`
	TimeZone  string `json:"timeZone"`
	// Totals sums Days.
	Totals ProductSales `json:"totals"`
	// Days lists every day of the range, oldest first, days without sales or
	// views included.
	Days []ProductSales `json:"days"`
}

// Product returns a product's figures for the days of r, to its shop's owner
// and to admins. Errors: EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND if there is no
// such product (discontinued ones have figures), EINVALID naming from or to.
func (a *Analytics) Product(ctx context.Context, c mohalla.Caller, productID string, r Range) (ProductReport, error) {
	ctx = store.WithCaller(ctx, c)
	var none ProductReport
	if err := authAny(c); err != nil {
		return none, err
	}
	p, err := a.st.Read().Product(ctx, productID)
	if errors.Is(err, store.ErrNotFound) {
		return none, mohalla.Errorf(mohalla.ENOTFOUND, "product %q not found", productID)
	} else if err != nil {
		return none, fmt.Errorf("analytics: load product %s: %w", productID, err)
	}
	if _, err := a.authShop(ctx, c, p.ShopID); err != nil {
		return none, err
	}
	from, to, err := a.resolve(r)
	if err != nil {
		return none, err
	}
	rows, err := a.st.Read().ProductDays(ctx, productID, from, to)
	if err != nil {
		return none, fmt.Errorf("analytics: product %s: %w", productID, err)
	}
	rep := ProductReport{ProductID: p.ID, ShopID: p.ShopID, Name: p.Name, From: from, To: to,
		TimeZone: a.cfg.Location.String()}
	byDay := make(map[string]ProductSales, len(rows))
	for _, d := range rows {
		byDay[d.Day] = productSales(d)
	}
	for _, day := range days(from, to) {
		s := byDay[day]
		s.Day = day
		rep.Days = append(rep.Days, s)
		rep.Totals.add(s)
	}
	return rep, nil
}

// ShopSales are a shop's figures for a day, or summed over a range (Day "").
// Orders and GrossRevenue are the orders placed; CancelledOrders the part of
// those cancelled since, and Revenue is net of them. AverageOrderValue is
// Revenue over the orders not cancelled, rounded to the paisa (0 without any).
// Cancellations are the cancellations made on the day, of orders of any day.
type ShopSales struct {
	Day               string        `json:"day,omitempty"`
	Orders            int64         `json:"orders"`
	CancelledOrders   int64         `json:"cancelledOrders"`
	Revenue           mohalla.Money `json:"revenue"`
	GrossRevenue      mohalla.Money `json:"grossRevenue"`
	AverageOrderValue mohalla.Money `json:"averageOrderValue"`
	Cancellations     int64         `json:"cancellations"`
}

func (s *ShopSales) add(d store.ShopDay) {
	s.Orders += d.Orders
	s.CancelledOrders += d.CancelledOrders
	s.Revenue += d.Revenue - d.CancelledRevenue
	s.GrossRevenue += d.Revenue
	s.Cancellations += d.Cancellations
	s.AverageOrderValue = average(s.Revenue, s.Orders-s.CancelledOrders)
}

// average divides m by n, rounding half away from zero.
func average(m mohalla.Money, n int64) mohalla.Money {
	if n <= 0 {
		return 0
	}
	q, r := int64(m)/n, int64(m)%n
	if 2*r >= n {
		q++
	} else if 2*r <= -n {
		q--
	}
	return mohalla.Money(q)
}

// FunnelStage is how orders went through one status: how many entered it in
// the range, how many of those have left it, and the mean and total time they
// spent in it. Delivered and cancelled are final, so nothing leaves them.
type FunnelStage struct {
	Status  mohalla.OrderStatus `json:"status"`
	Entered int64               `json:"entered"`
	Exited  int64               `json:"exited"`
	// InStatus is Entered - Exited: the orders still in the status.
	InStatus  int64 `json:"inStatus"`
	AverageMS int64 `json:"averageMs"`
	TotalMS   int64 `json:"totalMs"`
}

// funnelOrder is the state machine's order, for the funnel's stages.
var funnelOrder = []mohalla.OrderStatus{mohalla.StatusPending, mohalla.StatusConfirmed, mohalla.StatusPacked,
	mohalla.StatusOutForDelivery, mohalla.StatusDelivered, mohalla.StatusCancelled}

func funnel(rows []store.FunnelStage) []FunnelStage {
	by := make(map[string]store.FunnelStage, len(rows))
	for _, r := range rows {
		by[r.Status] = r
	}
	out := make([]FunnelStage, len(funnelOrder))
	for i, s := range funnelOrder {
		r := by[string(s)]
		out[i] = FunnelStage{Status: s, Entered: r.Entered, Exited: r.Exited, InStatus: r.Entered - r.Exited,
			TotalMS: r.TotalMS}
		if r.Exited > 0 {
			out[i].AverageMS = r.TotalMS / r.Exited
		}
	}
	return out
}

// ShopReport is a shop's figures over a range of days.
type ShopReport struct {
	ShopID   string `json:"shopId"`
	Name     string `json:"name"`
	From     string `json:"from"`
	To       string `json:"to"`
	TimeZone string `json:"timeZone"`
	// Totals sums Days; its average is over the whole range.
	Totals ShopSales `json:"totals"`
	// Days lists every day of the range, oldest first.
	Days []ShopSales `json:"days"`
	// Funnel follows the orders that entered each status in the range, in the
	// state machine's order.
	Funnel []FunnelStage `json:"funnel"`
}

// Shop returns a shop's figures for the days of r, to its owner and to admins.
// Errors: EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND if there is no such shop,
// EINVALID naming from or to.
func (a *Analytics) Shop(ctx context.Context, c mohalla.Caller, shopID string, r Range) (ShopReport, error) {
	ctx = store.WithCaller(ctx, c)
	var none ShopReport
	sh, err := a.authShop(ctx, c, shopID)
	if err != nil {
		return none, err
	}
	from, to, err := a.resolve(r)
	if err != nil {
		return none, err
	}
	rows, err := a.st.Read().ShopDays(ctx, shopID, from, to)
	if err != nil {
		return none, fmt.Errorf("analytics: shop %s: %w", shopID, err)
	}
	stages, err := a.st.Read().Funnel(ctx, shopID, from, to)
	if err != nil {
		return none, fmt.Errorf("analytics: funnel of shop %s: %w", shopID, err)
	}
	rep := ShopReport{ShopID: sh.ID, Name: sh.Name, From: from, To: to, TimeZone: a.cfg.Location.String(),
		Funnel: funnel(stages)}
	byDay := make(map[string]store.ShopDay, len(rows))
	for _, d := range rows {
		byDay[d.Day] = d
	}
	for _, day := range days(from, to) {
		s := ShopSales{Day: day}
		s.add(byDay[day])
		rep.Days = append(rep.Days, s)
		rep.Totals.add(byDay[day])
	}
	return rep, nil
}

// Funnel returns the funnel of every shop together for the days of r, to
// admins. Errors: EUNAUTHENTICATED, EFORBIDDEN, EINVALID naming from or to.
func (a *Analytics) Funnel(ctx context.Context, c mohalla.Caller, r Range) ([]FunnelStage, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authAll(c); err != nil {
		return nil, err
	}
	from, to, err := a.resolve(r)
	if err != nil {
		return nil, err
	}
	stages, err := a.st.Read().Funnel(ctx, "", from, to)
	if err != nil {
		return nil, fmt.Errorf("analytics: funnel: %w", err)
	}
	return funnel(stages), nil
}

// CustomerReport is a customer's orders over all time: Orders and GrossSpend as
// placed, CancelledOrders the part cancelled since and Spend net of them, and the
// times of the first and last order placed (cancelled or not), nil before any.
type CustomerReport struct {
	UserID          string        `json:"userId"`
	Orders          int64         `json:"orders"`
	CancelledOrders int64         `json:"cancelledOrders"`
	Spend           mohalla.Money `json:"spend"`
	GrossSpend      mohalla.Money `json:"grossSpend"`
	FirstOrderAt    *time.Time    `json:"firstOrderAt,omitempty"`
	LastOrderAt     *time.Time    `json:"lastOrderAt,omitempty"`
}

// Customer returns a customer's figures, to the customer themself and to
// admins; a customer without orders has zeros. Errors: EUNAUTHENTICATED,
// EFORBIDDEN.
func (a *Analytics) Customer(ctx context.Context, c mohalla.Caller, userID string) (CustomerReport, error) {
	ctx = store.WithCaller(ctx, c)
	if !c.Is(mohalla.RoleAdmin) && (c.ID == "" || c.ID != userID || c.Role == mohalla.RoleAnonymous) {
		return CustomerReport{}, deny(c, "only the customer themself or an admin may read a customer's analytics")
	}
	row, err := a.st.Read().CustomerCounters(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return CustomerReport{UserID: userID}, nil
	} else if err != nil {
		return CustomerReport{}, fmt.Errorf("analytics: customer %s: %w", userID, err)
	}
	rep := CustomerReport{UserID: userID, Orders: row.Orders, CancelledOrders: row.CancelledOrders,
		Spend: row.Spend - row.CancelledSpend, GrossSpend: row.Spend}
	if row.FirstOrderTS != 0 {
		t := time.UnixMilli(row.FirstOrderTS).In(a.cfg.Location)
		rep.FirstOrderAt = &t
	}
	if row.LastOrderTS != 0 {
		t := time.UnixMilli(row.LastOrderTS).In(a.cfg.Location)
		rep.LastOrderAt = &t
	}
	return rep, nil
}
