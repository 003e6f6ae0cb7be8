package market

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// ChangeOrderStatus is the input of Service.ChangeOrderStatus. ShopID is optional;
// when given it must be the order's shop.
type ChangeOrderStatus struct {
	Status mohalla.OrderStatus `json:"status"`
	ShopID string              `json:"shopId,omitempty" rule:"id"`
	// Reason says why, when cancelling (only then): kept in order/updated and
	// the audit row.
	Reason string `json:"reason,omitempty" rule:"line"`
}

// ChangeOrderStatus moves an order along its state machine, appends order/updated
// with the old and new status, and audits it. Cancelling returns the items' stock
// in the same transaction. Only the order's shop owner or an admin may. A move the
// state machine does not allow is ECONFLICT and lists the allowed ones. A
// caller who may not see the order gets ENOTFOUND, as for an order that does
// not exist.
func (s *Service) ChangeOrderStatus(ctx context.Context, c mohalla.Caller, id string, in ChangeOrderStatus) (mohalla.Order, error) {
	if !in.Status.Valid() {
		return mohalla.Order{}, fieldError("status", "must be one of pending, confirmed, packed, out_for_delivery, delivered, cancelled")
	}
	var v mohalla.Invalid
	if checkText(&v, "reason", in.Reason, "line"); in.Reason != "" && in.Status != mohalla.StatusCancelled {
		v.Add("reason", "is only for cancelling")
	}
	if err := v.Err(); err != nil {
		return mohalla.Order{}, err
	}
	if c.Role == mohalla.RoleAnonymous || c.Role == "" {
		return mohalla.Order{}, deny(c, "") // before the order is looked up: its existence is private
	}
	var o mohalla.Order
	err := s.write(ctx, c, "change_order_status", func(ctx context.Context, w *change) error {
		var err error
		o, err = w.tx.OrderForUpdate(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			// Row-level security hides from a locking read the rows the
			// caller may read but not change; the rules below answer them.
			o, err = w.tx.Order(ctx, id)
		}
		if errors.Is(err, store.ErrNotFound) {
			return mohalla.Errorf(mohalla.ENOTFOUND, "order %q not found", id)
		} else if err != nil {
			return err
		}
		sh, err := w.tx.Shop(ctx, o.ShopID)
		if err != nil {
			return err
		}
		if err := authChangeOrderStatus(c, sh.OwnerID); err != nil {
			if rerr := authReadOrder(c, o.UserID, sh.OwnerID); rerr != nil {
				return hidden(rerr, "order", id) // as if there were none
			}
			return err
		}
		if in.ShopID != "" && in.ShopID != o.ShopID {
			return fieldError("shopId", fmt.Sprintf("the order belongs to shop %q", o.ShopID))
		}
		from := o.Status
		if !from.CanMoveTo(in.Status) {
			return disallowed(o, in.Status)
		}
		if o.Version, err = w.tx.SetOrderStatus(ctx, id, from, in.Status, w.now); err != nil {
			return err
		}
		o.Status, o.UpdatedAt = in.Status, w.now
		if err := w.emit(mohalla.EventOrderUpdated, mohalla.OrderUpdated{OrderID: o.ID, UserID: o.UserID, ShopID: o.ShopID,
			OldStatus: from, Status: o.Status, Version: o.Version, Reason: in.Reason}); err != nil {
			return err
		}
		if o.Status != mohalla.StatusCancelled {
			w.audit(mohalla.AuditOrderStatus, "order", o.ID, o.ShopID, map[string]any{"status": from}, map[string]any{"status": o.Status})
			return nil
		}
		returned, err := returnStock(ctx, w, o)
		if err != nil {
			return err
		}
		after := map[string]any{"status": o.Status, "stockReturned": returned}
		if in.Reason != "" {
			after["reason"] = in.Reason
		}
		w.audit(mohalla.AuditOrderCancel, "order", o.ID, o.ShopID, map[string]any{"status": from}, after)
		return nil
	})
	return o, err
}

func disallowed(o mohalla.Order, to mohalla.OrderStatus) error {
	next := o.Status.Next()
	allowed := make([]string, len(next))
	for i, n := range next {
		allowed[i] = string(n)
	}
	msg := fmt.Sprintf("order %q is %s and cannot become %s", o.ID, o.Status, to)
	if len(allowed) == 0 {
		msg += "; it is final"
	} else {
		msg += "; allowed: " + strings.Join(allowed, ", ")
	}
	return &mohalla.Error{Code: mohalla.ECONFLICT, Message: msg,
		Detail: map[string]any{"currentStatus": o.Status, "allowed": allowed}}
}

// returnStock puts a cancelled order's items back on the shelf, in product id
// order like placeOrder, and returns what it gave back (see reservations).
func returnStock(ctx context.Context, w *change, o mohalla.Order) ([]map[string]any, error) {
	items := append([]mohalla.OrderItem(nil), o.Items...)
	sort.Slice(items, func(a, b int) bool { return items[a].ProductID < items[b].ProductID })
	changes := make([]store.StockChange, len(items))
	for i, it := range items {
		sc, err := w.tx.AdjustStock(ctx, it.ProductID, it.Quantity, false, w.now)
		if errors.Is(err, store.ErrNotFound) {
			return nil, mohalla.Errorf(mohalla.ECONFLICT, "returning %d of product %q would put its stock above the most a product may hold, %d",
				it.Quantity, it.ProductID, MaxStock)
		} else if err != nil {
			return nil, fmt.Errorf("return stock of %s: %w", it.ProductID, err)
		}
		if err := w.stockChanged(ctx, sc, "cancel", o.ID); err != nil {
			return nil, err
		}
		changes[i] = sc
	}
	return reservations(items, changes), nil
}
