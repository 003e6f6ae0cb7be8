package analytics_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/market"
)

// The story: two days of a neighbourhood, 10 and 11 March 2026 in India.
//
//	shop-a (olga): apple ₹49.50, milk ₹30     shop-b (oscar): bread ₹40
//
//	10 Mar 10:00  o1  alice  shop-a  2 apple + 1 milk = ₹129
//	10 Mar 11:00  o2  bob    shop-a  1 apple          = ₹49.50
//	10 Mar 12:00  o1  confirmed                         (2h pending)
//	10 Mar 23:30  o3  alice  shop-b  3 bread          = ₹120
//	11 Mar 01:30  o4  bob    shop-a  2 milk           = ₹60   (still 10 Mar in UTC)
//	11 Mar 08:00  o3  confirmed                         (8h30 pending)
//	11 Mar 09:00  o2  cancelled                         (22h pending)
//	11 Mar 10:00  o1  packed                            (22h confirmed)
//	11 Mar 11:00  o1  out for delivery                  (1h packed)
//	11 Mar 12:00  o1  delivered                         (1h out for delivery)
//
// Views: apple 3 on the 10th and 1 on the 11th (at 00:05, still the 10th in
// UTC), bread 2 on the 11th, and two that name no known product.
const (
	day1 = "2026-03-10"
	day2 = "2026-03-11"
)

// story's events per analytics function, and its runs: the eight views are
// sent in one write, so they are counted in one batch.
var (
	storyEvents = map[string]int{analytics.FnOrderCreated: 4, analytics.FnOrderUpdated: 6, analytics.FnProductViewed: 8}
	storyRuns   = map[string]int{analytics.FnOrderCreated: 4, analytics.FnOrderUpdated: 6, analytics.FnProductViewed: 1}
)

func tellStory(t *testing.T, svc *market.Service, clk *clock) {
	t.Helper()
	clk.set(ist(9, 9, 0))
	for _, id := range []string{"alice", "bob", "olga", "oscar"} {
		_, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: id, Email: id + "@example.com", Name: id})
		fatalIf(t, err)
	}
	for id, owner := range map[string]string{"shop-a": "olga", "shop-b": "oscar"} {
		_, err := svc.CreateShop(ctx, admin, market.CreateShop{ID: id, Name: "Kirana " + id, OwnerID: owner,
			Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400050"})
		fatalIf(t, err)
	}
	for _, p := range []struct {
		id, shop string
		price    mohalla.Money
	}{{"apple", "shop-a", 4950}, {"milk", "shop-a", 3000}, {"bread", "shop-b", 4000}} {
		stock := int64(50)
		_, err := svc.CreateProduct(ctx, admin, market.CreateProduct{ID: p.id, Name: "Fresh " + p.id, Price: &p.price,
			Category: "grocery", ShopID: p.shop, Stock: &stock})
		fatalIf(t, err)
	}
	order := func(id, user string, lines ...market.OrderLine) {
		t.Helper()
		_, err := svc.CreateOrder(ctx, admin, market.CreateOrder{ID: id, UserID: user, Items: lines,
			DeliveryAddress: mohalla.Address{Street: "12 Linking Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}})
		fatalIf(t, err)
	}
	move := func(id string, to mohalla.OrderStatus) {
		t.Helper()
		_, err := svc.ChangeOrderStatus(ctx, admin, id, market.ChangeOrderStatus{Status: to})
		fatalIf(t, err)
	}
	clk.set(ist(10, 10, 0))
	order("o1", "alice", market.OrderLine{ProductID: "apple", Quantity: 2}, market.OrderLine{ProductID: "milk", Quantity: 1})
	clk.set(ist(10, 11, 0))
	order("o2", "bob", market.OrderLine{ProductID: "apple", Quantity: 1})
	clk.set(ist(10, 12, 0))
	move("o1", mohalla.StatusConfirmed)
	clk.set(ist(10, 23, 30))
	order("o3", "alice", market.OrderLine{ProductID: "bread", Quantity: 3})
	clk.set(ist(11, 1, 30))
	order("o4", "bob", market.OrderLine{ProductID: "milk", Quantity: 2})
	clk.set(ist(11, 8, 0))
	move("o3", mohalla.StatusConfirmed)
	clk.set(ist(11, 9, 0))
	move("o2", mohalla.StatusCancelled)
	clk.set(ist(11, 10, 0))
	move("o1", mohalla.StatusPacked)
	clk.set(ist(11, 11, 0))
	move("o1", mohalla.StatusOutForDelivery)
	clk.set(ist(11, 12, 0))
	move("o1", mohalla.StatusDelivered)

	clk.set(ist(11, 13, 0))
	var views []market.SendEvent
	for i, v := range []struct {
		data string
		at   int64
	}{
		{`{"productId":"apple","userId":"alice"}`, ist(10, 9, 0).UnixMilli()},
		{`{"productId":"apple"}`, ist(10, 9, 30).UnixMilli()},
		{`{"productId":"apple","userId":"bob"}`, ist(10, 22, 0).UnixMilli()},
		{`{"productId":"apple"}`, ist(11, 0, 5).UnixMilli()},
		{`{"productId":"bread"}`, ist(11, 0, 10).UnixMilli()},
		{`{"productId":"bread"}`, ist(11, 13, 0).UnixMilli()},
		{`{"productId":"ghost"}`, ist(11, 13, 0).UnixMilli()},
		{`{"page":"home"}`, ist(11, 13, 0).UnixMilli()},
	} {
		views = append(views, market.SendEvent{ID: fmt.Sprintf("view-%d", i+1), Name: analytics.EventProductViewed,
			Data: json.RawMessage(v.data), TS: v.at})
	}
	_, err := svc.SendEvents(ctx, mohalla.System, views)
	fatalIf(t, err)
}

// checkStory checks every figure of the story.
func checkStory(t *testing.T, an *analytics.Analytics) {
	t.Helper()
	span := analytics.Range{From: day1, To: day2}
	product := func(id, shop string, d1, d2 analytics.ProductSales) {
		t.Helper()
		got, err := an.Product(ctx, admin, id, span)
		fatalIf(t, err)
		d1.Day, d2.Day = day1, day2
		total := analytics.ProductSales{Orders: d1.Orders + d2.Orders, CancelledOrders: d1.CancelledOrders + d2.CancelledOrders,
			Units: d1.Units + d2.Units, GrossUnits: d1.GrossUnits + d2.GrossUnits, Revenue: d1.Revenue + d2.Revenue,
			GrossRevenue: d1.GrossRevenue + d2.GrossRevenue, Views: d1.Views + d2.Views}
		same(t, "product "+id, got, analytics.ProductReport{ProductID: id, ShopID: shop, Name: "Fresh " + id,
			From: day1, To: day2, TimeZone: "Asia/Kolkata", Totals: total, Days: []analytics.ProductSales{d1, d2}})
	}
	// o2's apple is reversed on the 10th, the day it was ordered.
	product("apple", "shop-a",
		analytics.ProductSales{Orders: 2, CancelledOrders: 1, Units: 2, GrossUnits: 3, Revenue: 9900, GrossRevenue: 14850, Views: 3},
		analytics.ProductSales{Views: 1})
	product("milk", "shop-a",
		analytics.ProductSales{Orders: 1, Units: 1, GrossUnits: 1, Revenue: 3000, GrossRevenue: 3000},
		analytics.ProductSales{Orders: 1, Units: 2, GrossUnits: 2, Revenue: 6000, GrossRevenue: 6000})
	product("bread", "shop-b",
		analytics.ProductSales{Orders: 1, Units: 3, GrossUnits: 3, Revenue: 12000, GrossRevenue: 12000},
		analytics.ProductSales{Views: 2})

	def, err := an.Product(ctx, admin, "apple", analytics.Range{})
	fatalIf(t, err)
	if def.From != "2026-02-11" || def.To != "2026-03-12" || len(def.Days) != 30 || def.Totals.Revenue != 9900 || def.Totals.Views != 4 {
		t.Errorf("apple over the default range: from %s to %s, %d days, revenue %s, views %d; want the last 30 days to 2026-03-12, 9900 paise, 4 views",
			def.From, def.To, len(def.Days), def.Totals.Revenue, def.Totals.Views)
	}

	stage := func(s mohalla.OrderStatus, entered, exited, totalMS int64) analytics.FunnelStage {
		f := analytics.FunnelStage{Status: s, Entered: entered, Exited: exited, InStatus: entered - exited, TotalMS: totalMS}
		if exited > 0 {
			f.AverageMS = totalMS / exited
		}
		return f
	}
	const hour = int64(3_600_000)
	shopA, err := an.Shop(ctx, admin, "shop-a", span)
	fatalIf(t, err)
	same(t, "shop-a", shopA, analytics.ShopReport{ShopID: "shop-a", Name: "Kirana shop-a", From: day1, To: day2,
		TimeZone: "Asia/Kolkata",
		Totals:   analytics.ShopSales{Orders: 3, CancelledOrders: 1, Revenue: 18900, GrossRevenue: 23850, AverageOrderValue: 9450, Cancellations: 1},
		Days: []analytics.ShopSales{
			{Day: day1, Orders: 2, CancelledOrders: 1, Revenue: 12900, GrossRevenue: 17850, AverageOrderValue: 12900},
			{Day: day2, Orders: 1, Revenue: 6000, GrossRevenue: 6000, AverageOrderValue: 6000, Cancellations: 1},
		},
		Funnel: []analytics.FunnelStage{
			stage(mohalla.StatusPending, 3, 2, 2*hour+22*hour),
			stage(mohalla.StatusConfirmed, 1, 1, 22*hour),
			stage(mohalla.StatusPacked, 1, 1, hour),
			stage(mohalla.StatusOutForDelivery, 1, 1, hour),
			stage(mohalla.StatusDelivered, 1, 0, 0),
			stage(mohalla.StatusCancelled, 1, 0, 0),
		}})

	// The 11th alone: the funnel follows the orders that entered a status that
	// day, so o1 and o2's pending and o1's confirmed stay with the 10th.
	shopA2, err := an.Shop(ctx, admin, "shop-a", analytics.Range{From: day2, To: day2})
	fatalIf(t, err)
	same(t, "shop-a on the 11th", shopA2, analytics.ShopReport{ShopID: "shop-a", Name: "Kirana shop-a", From: day2, To: day2,
		TimeZone: "Asia/Kolkata",
		Totals:   analytics.ShopSales{Orders: 1, Revenue: 6000, GrossRevenue: 6000, AverageOrderValue: 6000, Cancellations: 1},
		Days:     []analytics.ShopSales{{Day: day2, Orders: 1, Revenue: 6000, GrossRevenue: 6000, AverageOrderValue: 6000, Cancellations: 1}},
		Funnel: []analytics.FunnelStage{
			stage(mohalla.StatusPending, 1, 0, 0),
			stage(mohalla.StatusConfirmed, 0, 0, 0),
			stage(mohalla.StatusPacked, 1, 1, hour),
			stage(mohalla.StatusOutForDelivery, 1, 1, hour),
			stage(mohalla.StatusDelivered, 1, 0, 0),
			stage(mohalla.StatusCancelled, 1, 0, 0),
		}})

	shopB, err := an.Shop(ctx, admin, "shop-b", span)
	fatalIf(t, err)
	same(t, "shop-b", shopB, analytics.ShopReport{ShopID: "shop-b", Name: "Kirana shop-b", From: day1, To: day2,
		TimeZone: "Asia/Kolkata",
		Totals:   analytics.ShopSales{Orders: 1, Revenue: 12000, GrossRevenue: 12000, AverageOrderValue: 12000},
		Days: []analytics.ShopSales{
			{Day: day1, Orders: 1, Revenue: 12000, GrossRevenue: 12000, AverageOrderValue: 12000},
			{Day: day2},
		},
		Funnel: []analytics.FunnelStage{
			stage(mohalla.StatusPending, 1, 1, 8*hour+hour/2),
			stage(mohalla.StatusConfirmed, 1, 0, 0),
			stage(mohalla.StatusPacked, 0, 0, 0),
			stage(mohalla.StatusOutForDelivery, 0, 0, 0),
			stage(mohalla.StatusDelivered, 0, 0, 0),
			stage(mohalla.StatusCancelled, 0, 0, 0),
		}})

	all, err := an.Funnel(ctx, admin, span)
	fatalIf(t, err)
	same(t, "funnel of all shops", all, []analytics.FunnelStage{
		stage(mohalla.StatusPending, 4, 3, 2*hour+22*hour+8*hour+hour/2),
		stage(mohalla.StatusConfirmed, 2, 1, 22*hour),
		stage(mohalla.StatusPacked, 1, 1, hour),
		stage(mohalla.StatusOutForDelivery, 1, 1, hour),
		stage(mohalla.StatusDelivered, 1, 0, 0),
		stage(mohalla.StatusCancelled, 1, 0, 0),
	})

	for _, c := range []struct {
		user              string
		orders, cancelled int64
		spend, gross      mohalla.Money
		first, last       int64
	}{
		{"alice", 2, 0, 24900, 24900, ist(10, 10, 0).UnixMilli(), ist(10, 23, 30).UnixMilli()},
		{"bob", 2, 1, 6000, 10950, ist(10, 11, 0).UnixMilli(), ist(11, 1, 30).UnixMilli()},
	} {
		got, err := an.Customer(ctx, admin, c.user)
		fatalIf(t, err)
		if got.UserID != c.user || got.Orders != c.orders || got.CancelledOrders != c.cancelled || got.Spend != c.spend ||
			got.GrossSpend != c.gross || got.FirstOrderAt == nil || got.FirstOrderAt.UnixMilli() != c.first ||
			got.LastOrderAt == nil || got.LastOrderAt.UnixMilli() != c.last {
			same(t, "customer "+c.user, got, c)
		}
	}

	top, err := an.TopProducts(ctx, admin, analytics.TopQuery{})
	fatalIf(t, err)
	same(t, "top products of the week", top, analytics.TopProducts{Days: 7, From: "2026-03-06", To: "2026-03-12",
		TimeZone: "Asia/Kolkata", Items: []analytics.TopProduct{
			{Rank: 1, ProductID: "bread", ShopID: "shop-b", Name: "Fresh bread", Sales: analytics.ProductSales{
				Orders: 1, Units: 3, GrossUnits: 3, Revenue: 12000, GrossRevenue: 12000, Views: 2}},
			{Rank: 2, ProductID: "apple", ShopID: "shop-a", Name: "Fresh apple", Sales: analytics.ProductSales{
				Orders: 2, CancelledOrders: 1, Units: 2, GrossUnits: 3, Revenue: 9900, GrossRevenue: 14850, Views: 4}},
			{Rank: 3, ProductID: "milk", ShopID: "shop-a", Name: "Fresh milk", Sales: analytics.ProductSales{
				Orders: 2, Units: 3, GrossUnits: 3, Revenue: 9000, GrossRevenue: 9000}},
		}})
	top, err = an.TopProducts(ctx, admin, analytics.TopQuery{ShopID: "shop-a", Days: 2})
	fatalIf(t, err)
	same(t, "top products of shop-a on the 11th and 12th", top, analytics.TopProducts{ShopID: "shop-a", Days: 2,
		From: day2, To: "2026-03-12", TimeZone: "Asia/Kolkata", Items: []analytics.TopProduct{
			{Rank: 1, ProductID: "milk", ShopID: "shop-a", Name: "Fresh milk", Sales: analytics.ProductSales{
				Orders: 1, Units: 2, GrossUnits: 2, Revenue: 6000, GrossRevenue: 6000}},
			{Rank: 2, ProductID: "apple", ShopID: "shop-a", Name: "Fresh apple", Sales: analytics.ProductSales{Views: 1}},
		}})
	top, err = an.TopProducts(ctx, admin, analytics.TopQuery{ShopID: "shop-b", Days: 1})
	fatalIf(t, err)
	if len(top.Items) != 0 {
		t.Errorf("shop-b sold on the 12th: %+v", top.Items)
	}
}
