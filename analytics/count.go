package analytics

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/store"
)

// counter adds one event's counts in tx and says what it counted, for the run's
// output. Every counter only adds, so events may be counted in any order: the
// engine runs functions in parallel and retries them, so an order's
// order/updated may well be counted before its order/created.
type counter func(ctx context.Context, tx *store.Tx, ev mohalla.Event) (string, error)

// batchCounter adds the counts of events, each not counted before, in tx.
type batchCounter func(ctx context.Context, tx *store.Tx, evs []mohalla.Event) (string, error)

// each counts events one by one with c.
func each(c counter) batchCounter {
	return func(ctx context.Context, tx *store.Tx, evs []mohalla.Event) (string, error) {
		var notes []string
		for _, ev := range evs {
			note, err := c(ctx, tx, ev)
			if err != nil {
				return "", fmt.Errorf("count %s %s: %w", ev.Name, ev.ID, err)
			}
			notes = append(notes, note)
		}
		return strings.Join(notes, "; "), nil
	}
}

// Counted is the output of an analytics run.
type Counted struct {
	// Counted is false when an earlier run or attempt had counted the event
	// (every event, for a batch of views).
	Counted bool   `json:"counted"`
	Note    string `json:"note,omitempty"`
	// Events is how many events the run counted.
	Events int `json:"events"`
}

// count makes a handler of c that counts each event exactly once: the counts
// and the (function, event) records are written in one transaction, and an
// event already recorded is not counted again. So a retry after the commit, a
// re-run and a replay all find the records and change nothing. A batch of
// views is counted in that one transaction too.
//
// once, if set, counts a run of one event in one statement, its mark with it
// (see countPlaced); where it returns errors.ErrUnsupported the event is
// counted as any other.
func (a *Analytics) count(id string, c batchCounter, once counter) engine.Handler {
	return func(ctx context.Context, in engine.Input) (any, error) {
		var out Counted
		err := a.st.InTx(store.WithOperation(ctx, "count_analytics"), func(tx *store.Tx) error {
			out = Counted{}
			if once != nil && len(in.Events) == 1 {
				note, err := once(ctx, tx, in.Events[0])
				if !errors.Is(err, errors.ErrUnsupported) {
					out = Counted{Counted: true, Note: note, Events: 1}
					return err
				}
			}
			var fresh []mohalla.Event
			for _, ev := range in.Events {
				ok, err := tx.MarkProcessed(ctx, id, ev.ID, ev.TS)
				if err != nil {
					return err
				}
				if ok {
					fresh = append(fresh, ev)
				}
			}
			out.Counted, out.Events = len(fresh) > 0, len(fresh)
			if len(fresh) == 0 {
				out.Note = "already counted"
				return nil
			}
			var err error
			out.Note, err = c(ctx, tx, fresh)
			return err
		})
		if errors.Is(err, store.ErrAlreadyCounted) {
			out, err = Counted{Note: "already counted"}, nil
		}
		if err != nil {
			return nil, err
		}
		if !out.Counted {
			a.log.DebugContext(ctx, "events already counted", slog.String("function", id), slog.String("event", in.Event.ID),
				slog.String("run", in.RunID))
		}
		if a.cfg.AfterCount != nil {
			// Every event's hook is called: a failure of one does not hide
			// the others from the attempt.
			var errs []error
			for _, ev := range in.Events {
				errs = append(errs, a.cfg.AfterCount(id, ev))
			}
			if err := errors.Join(errs...); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

func decode[T any](ev mohalla.Event) (T, error) {
	var v T
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		return v, engine.NonRetriable(fmt.Errorf("event %s data: %w", ev.Name, err))
	}
	return v, nil
}

// orderCreated counts a placed order on the day of its event: its products'
// units, orders and revenue, its shop's orders and revenue, its customer's
// orders, spend and order times, and its entry into the pending status.
func (a *Analytics) orderCreated(ctx context.Context, tx *store.Tx, ev mohalla.Event) (string, error) {
	p, note, err := a.placed(ev)
	if err != nil {
		return "", err
	}
	for _, d := range p.Products {
		if err := tx.AddProductDay(ctx, d); err != nil {
			return "", err
		}
	}
	if err := tx.AddShopDay(ctx, p.Shop); err != nil {
		return "", err
	}
	if err := tx.AddCustomer(ctx, p.Customer); err != nil {
		return "", err
	}
	if err := a.enter(ctx, tx, p.OrderID, mohalla.OrderStatus(p.Status), p.Shop.ShopID, p.TS); err != nil {
		return "", err
	}
	return note, nil
}

// countPlaced counts a placed order as orderCreated does, its mark with it,
// in one statement held with the commit (store.Tx.CountOrderPlacedLater),
// which fails the transaction with store.ErrAlreadyCounted if the event was
// counted before. It returns errors.ErrUnsupported, having sent nothing,
// where the store cannot (SQLite).
func (a *Analytics) countPlaced(ctx context.Context, tx *store.Tx, ev mohalla.Event) (string, error) {
	p, note, err := a.placed(ev)
	if err != nil {
		return "", err
	}
	return note, tx.CountOrderPlacedLater(ctx, FnOrderCreated, ev.ID, p)
}

// placed is what the order of ev adds to the figures, and a note that says so.
func (a *Analytics) placed(ev mohalla.Event) (store.OrderPlaced, string, error) {
	o, err := decode[mohalla.OrderEvent](ev)
	if err != nil {
		return store.OrderPlaced{}, "", err
	}
	day := a.day(ev.TS)
	p := store.OrderPlaced{Day: day, OrderID: o.OrderID, Status: string(cmp.Or(o.Status, mohalla.StatusPending)), TS: ev.TS,
		Shop:     store.ShopDay{ShopID: o.ShopID, Day: day, Orders: 1, Revenue: o.TotalAmount},
		Customer: store.Customer{UserID: o.UserID, Orders: 1, Spend: o.TotalAmount, FirstOrderTS: ev.TS, LastOrderTS: ev.TS}}
	for _, it := range byProduct(o.Items) {
		p.Products = append(p.Products, store.ProductDay{ProductID: it.ProductID, ShopID: o.ShopID, Day: day,
			Orders: 1, Units: it.Quantity, Revenue: it.Price * mohalla.Money(it.Quantity)})
	}
	return p, fmt.Sprintf("order %s of shop %s on %s: %d lines, %s", o.OrderID, o.ShopID, day, len(o.Items), o.TotalAmount), nil
}

// orderUpdated moves the order through the funnel: it leaves its old status,
// whose time is the event's minus the time it entered, and enters the new one.
//
// A cancellation counts one cancellation for the shop on the day of the
// cancellation. Its revenue, units and spend are reversed on the day the order
// was placed, as cancelled counts beside the gross ones: the revenue a shop
// reads for a day is then what that day's orders are worth now (net), never
// below zero, and the gross figures and the cancellations of each day remain
// too. A day's net figures can therefore drop after the day, when one of its
// orders is cancelled later.
func (a *Analytics) orderUpdated(ctx context.Context, tx *store.Tx, ev mohalla.Event) (string, error) {
	up, err := decode[mohalla.OrderUpdated](ev)
	if err != nil {
		return "", err
	}
	note := fmt.Sprintf("order %s of shop %s: %s -> %s", up.OrderID, up.ShopID, up.OldStatus, up.Status)
	if up.Status == mohalla.StatusCancelled {
		if err := a.cancel(ctx, tx, up, a.day(ev.TS)); err != nil {
			return "", err
		}
		note += ", reversed"
	}
	if err := a.exit(ctx, tx, up.OrderID, up.OldStatus, up.ShopID, ev.TS); err != nil {
		return "", err
	}
	return note, a.enter(ctx, tx, up.OrderID, up.Status, up.ShopID, ev.TS)
}

// cancel reverses a cancelled order's sales on the day it was placed and counts
// the cancellation on the day it happened. The order's lines, total and time
// come from its row, which never changes.
func (a *Analytics) cancel(ctx context.Context, tx *store.Tx, up mohalla.OrderUpdated, day string) error {
	o, err := tx.Order(ctx, up.OrderID)
	if errors.Is(err, store.ErrNotFound) {
		return engine.NonRetriable(fmt.Errorf("cancelled order %s does not exist", up.OrderID))
	} else if err != nil {
		return err
	}
	placed := a.day(o.CreatedAt.UnixMilli())
	for _, it := range byProduct(o.Items) {
		if err := tx.AddProductDay(ctx, store.ProductDay{ProductID: it.ProductID, ShopID: o.ShopID, Day: placed,
			CancelledOrders: 1, CancelledUnits: it.Quantity, CancelledRevenue: it.Price * mohalla.Money(it.Quantity)}); err != nil {
			return err
		}
	}
	// Rows in day order, as every counter writes them, to keep lock waits short.
	shop := []store.ShopDay{
		{ShopID: o.ShopID, Day: placed, CancelledOrders: 1, CancelledRevenue: o.TotalAmount},
		{ShopID: o.ShopID, Day: day, Cancellations: 1},
	}
	if placed == day {
		shop = []store.ShopDay{{ShopID: o.ShopID, Day: day, CancelledOrders: 1, CancelledRevenue: o.TotalAmount, Cancellations: 1}}
	} else if day < placed { // a clock gone backwards; keep the order anyway
		shop[0], shop[1] = shop[1], shop[0]
	}
	for _, d := range shop {
		if err := tx.AddShopDay(ctx, d); err != nil {
			return err
		}
	}
	return tx.AddCustomer(ctx, store.Customer{UserID: o.UserID, CancelledOrders: 1, CancelledSpend: o.TotalAmount})
}

// enter records that an order entered a status at ts. The funnel counts the
// entry on that day; if the exit was recorded first, the stay is counted too.
func (a *Analytics) enter(ctx context.Context, tx *store.Tx, orderID string, status mohalla.OrderStatus, shopID string, ts int64) error {
	exited, err := tx.EnterStatus(ctx, orderID, string(status), shopID, ts)
	if err != nil {
		return err
	}
	f := store.FunnelStage{ShopID: shopID, Day: a.day(ts), Status: string(status), Entered: 1}
	if exited != 0 {
		f.Exited, f.TotalMS = 1, max(exited-ts, 0)
	}
	return tx.AddFunnel(ctx, f)
}

// exit records that an order left a status at ts. If its entry is known, the
// stay is counted on the day of the entry; otherwise enter counts it later.
func (a *Analytics) exit(ctx context.Context, tx *store.Tx, orderID string, status mohalla.OrderStatus, shopID string, ts int64) error {
	entered, err := tx.ExitStatus(ctx, orderID, string(status), shopID, ts)
	if err != nil || entered == 0 {
		return err
	}
	return tx.AddFunnel(ctx, store.FunnelStage{ShopID: shopID, Day: a.day(entered), Status: string(status),
		Exited: 1, TotalMS: max(ts-entered, 0)})
}

// viewed is the data of product/viewed.
type viewed struct {
	ProductID string `json:"productId"`
	UserID    string `json:"userId,omitempty"`
}

// productViews counts views of products on the days of their events, one
// row write per product and day however many views a batch holds. A view
// that names no product, or an unknown one, is recorded and not counted: the
// event comes from clients, and retrying it would not make it right.
func (a *Analytics) productViews(ctx context.Context, tx *store.Tx, evs []mohalla.Event) (string, error) {
	type productDay struct{ product, day string }
	views := map[productDay]store.ProductDay{}
	shops := map[string]string{} // product -> shop, "" for an unknown product
	var ignored []string
	for _, ev := range evs {
		var v viewed
		if err := json.Unmarshal(ev.Data, &v); err != nil || v.ProductID == "" {
			ignored = append(ignored, "the data names no productId")
			continue
		}
		shop, known := shops[v.ProductID]
		if !known {
			p, err := tx.Product(ctx, v.ProductID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return "", err
			}
			shop, shops[v.ProductID] = p.ShopID, p.ShopID
		}
		if shop == "" {
			ignored = append(ignored, fmt.Sprintf("no product %q", v.ProductID))
			continue
		}
		k := productDay{v.ProductID, a.day(ev.TS)}
		d := views[k]
		d.ProductID, d.ShopID, d.Day, d.Views = k.product, shop, k.day, d.Views+1
		views[k] = d
	}
	rows := slices.SortedFunc(maps.Values(views), func(x, y store.ProductDay) int {
		return cmp.Or(strings.Compare(x.ProductID, y.ProductID), strings.Compare(x.Day, y.Day))
	})
	for _, d := range rows {
		if err := tx.AddProductDay(ctx, d); err != nil {
			return "", err
		}
	}
	switch {
	case len(evs) == 1 && len(ignored) == 1:
		return "ignored: " + ignored[0], nil
	case len(evs) == 1:
		return fmt.Sprintf("a view of %s on %s", rows[0].ProductID, rows[0].Day), nil
	}
	return fmt.Sprintf("%d views in %d product days; %d ignored", len(evs)-len(ignored), len(rows), len(ignored)), nil
}

// byProduct returns items in product id order, the order in which every
// counter writes product rows, so concurrent counts wait rather than deadlock.
func byProduct(items []mohalla.OrderItem) []mohalla.OrderItem {
	out := slices.Clone(items)
	sort.Slice(out, func(i, j int) bool { return out[i].ProductID < out[j].ProductID })
	return out
}
