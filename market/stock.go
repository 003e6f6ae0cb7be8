package market

import (
	"context"
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// ChangeStock is the input of Service.ChangeStock.
type ChangeStock struct {
	Delta  int64  `json:"delta" rule:"delta"`
	Reason string `json:"reason,omitempty" rule:"line"` // free text kept in the audit row
}

// ChangeStock adds Delta (negative to remove) to a product's stock, appends
// product/updated and any inventory event the change causes, and audits it. Only
// the shop's owner, an admin or a service may. Stock never goes below zero: a
// change that would is ECONFLICT and names the stock left; nor above MaxStock:
// a change that would is EINVALID on delta.
func (s *Service) ChangeStock(ctx context.Context, c mohalla.Caller, id string, in ChangeStock) (mohalla.Product, error) {
	var v mohalla.Invalid
	if in.Delta == 0 || in.Delta > maxStock || in.Delta < -maxStock {
		v.Add("delta", "must be a non-zero whole number between -%d and %d", maxStock, maxStock)
	}
	checkText(&v, "reason", in.Reason, "line")
	if err := v.Err(); err != nil {
		return mohalla.Product{}, err
	}
	var p mohalla.Product
	err := s.write(ctx, c, "change_stock", func(ctx context.Context, w *change) error {
		// A caller other than a shop's owner may or may not change any
		// product's stock. A shop's owner's change is made first, returning
		// its shop's owner, and rolled back if that is someone else (on
		// PostgreSQL, row-level security leaves it no row to change, as for
		// a product there is not).
		if !c.Is(mohalla.RoleShopOwner) {
			if err := authChangeStock(c, ""); err != nil {
				return err
			}
		}
		sc, after, err := w.tx.ChangeStock(ctx, id, in.Delta, w.now)
		if errors.Is(err, store.ErrNotFound) {
			return w.stockRefused(ctx, c, id, in.Delta)
		} else if err != nil {
			return err
		}
		if err := authChangeStock(c, sc.OwnerID); err != nil {
			return err
		}
		if err := w.stockChanged(ctx, sc, "stock", ""); err != nil {
			return err
		}
		w.audit(mohalla.AuditProductStock, "product", id, sc.ShopID, map[string]any{"stock": sc.Old},
			map[string]any{"stock": sc.New, "delta": in.Delta, "reason": in.Reason})
		p = after
		return nil
	})
	return p, err
}

// stockRefused says why a stock change of product id by c changed no row:
// there is no such product, c may not change its stock, or delta would take
// it below zero or above MaxStock.
func (w *change) stockRefused(ctx context.Context, c mohalla.Caller, id string, delta int64) error {
	owner, err := w.tx.ProductOwner(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return mohalla.Errorf(mohalla.ENOTFOUND, "product %q not found", id)
	} else if err != nil {
		return err
	}
	if err := authChangeStock(c, owner); err != nil {
		return err
	}
	cur, err := w.tx.Product(ctx, id)
	if err != nil {
		return err
	}
	if delta > 0 {
		return fieldError("delta", fmt.Sprintf("would make the stock %d, above the most a product may hold, %d",
			cur.Stock+delta, MaxStock))
	}
	return insufficient(cur, -delta)
}

// insufficient is the error for wanting more of p than it has.
func insufficient(p mohalla.Product, want int64) error {
	return &mohalla.Error{Code: mohalla.ECONFLICT,
		Message: fmt.Sprintf("insufficient stock for product %q (%s): %d left, %d wanted", p.ID, p.Name, p.Stock, want),
		Detail:  map[string]any{"productId": p.ID, "stock": p.Stock, "requested": want}}
}

// stockChanged emits product/updated for a stock change and the inventory event
// of any boundary it crossed. Each crossing happens in exactly one transaction
// (the database serializes changes of one row), so each gets exactly one event.
func (w *change) stockChanged(ctx context.Context, sc store.StockChange, reason, orderID string) error {
	err := w.emit(mohalla.EventProductUpdated, mohalla.ProductUpdated{ProductID: sc.ProductID, ShopID: sc.ShopID, Version: sc.Version,
		Changes: map[string]mohalla.Change{"stock": {Old: sc.Old, New: sc.New}}, Reason: reason, OrderID: orderID})
	if err != nil {
		return err
	}
	if name := crossing(sc.Old, sc.New, sc.Threshold); name != "" {
		return w.emit(name, mohalla.InventoryEvent{ProductID: sc.ProductID, ShopID: sc.ShopID, Name: sc.Name,
			Stock: sc.New, PreviousStock: sc.Old, Threshold: sc.Threshold})
	}
	return nil
}

// crossing names the inventory event of a stock change from old to new, or "".
// Reaching zero is out-of-stock (not also low-stock); leaving zero is
// back-in-stock; falling to or below the threshold from above it is low-stock.
func crossing(old, new, threshold int64) string {
	switch {
	case old > 0 && new == 0:
		return mohalla.EventOutOfStock
	case old == 0 && new > 0:
		return mohalla.EventBackInStock
	case old > threshold && new <= threshold && new > 0:
		return mohalla.EventLowStock
	}
	return ""
}
