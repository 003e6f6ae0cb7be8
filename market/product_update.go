package market

import (
	"context"
	"errors"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// UpdateProduct is the input of Service.UpdateProduct: the fields to change.
type UpdateProduct struct {
	Name              *string        `json:"name,omitempty" rule:"name"`
	Description       *string        `json:"description,omitempty" rule:"text"`
	Price             *mohalla.Money `json:"price,omitempty" rule:"price"`
	Category          *string        `json:"category,omitempty" rule:"category"`
	Unit              *string        `json:"unit,omitempty" rule:"unit"`
	LowStockThreshold *int64         `json:"lowStockThreshold,omitempty" rule:"stock"`
}

func (in *UpdateProduct) validate() error {
	var v mohalla.Invalid
	if in.Name != nil {
		checkText(&v, "name", *in.Name, "name")
	}
	if in.Description != nil {
		checkText(&v, "description", *in.Description, "text")
	}
	checkPrice(&v, "price", in.Price, false)
	if in.Category != nil {
		checkText(&v, "category", *in.Category, "category")
	}
	if in.Unit != nil {
		checkText(&v, "unit", *in.Unit, "unit")
	}
	checkCount(&v, "lowStockThreshold", in.LowStockThreshold, false, "stock")
	return v.Err()
}

// UpdateProduct changes a product's details (not its stock) and appends
// product/updated listing the changes. Only the shop's owner or an admin may. A
// discontinued product cannot be changed (ECONFLICT). An update that changes
// nothing writes nothing.
func (s *Service) UpdateProduct(ctx context.Context, c mohalla.Caller, id string, in UpdateProduct) (mohalla.Product, error) {
	if in.Category != nil {
		cat := normCategory(*in.Category)
		in.Category = &cat
	}
	if err := in.validate(); err != nil {
		return mohalla.Product{}, err
	}
	var p mohalla.Product
	err := s.write(ctx, c, "update_product", func(ctx context.Context, w *change) error {
		var err error
		if p, err = s.managedProduct(ctx, w, id); err != nil {
			return err
		}
		if p.DeletedAt != nil {
			return mohalla.Errorf(mohalla.ECONFLICT, "product %q is discontinued", id)
		}
		changes := map[string]mohalla.Change{}
		set(changes, "name", &p.Name, in.Name)
		set(changes, "description", &p.Description, in.Description)
		set(changes, "price", &p.Price, in.Price)
		set(changes, "category", &p.Category, in.Category)
		set(changes, "unit", &p.Unit, in.Unit)
		set(changes, "lowStockThreshold", &p.LowStockThreshold, in.LowStockThreshold)
		if len(changes) == 0 {
			return nil
		}
		p.Version++
		p.UpdatedAt = w.now
		if err := w.tx.UpdateProduct(ctx, &p); err != nil {
			return err
		}
		before, after := map[string]any{}, map[string]any{}
		for name, ch := range changes {
			before[name], after[name] = ch.Old, ch.New
		}
		w.audit(mohalla.AuditProductUpdate, "product", p.ID, p.ShopID, before, after)
		return w.emit(mohalla.EventProductUpdated, mohalla.ProductUpdated{ProductID: p.ID, ShopID: p.ShopID, Version: p.Version,
			Changes: changes, Reason: "edit"})
	})
	return p, err
}

func set[T comparable](changes map[string]mohalla.Change, name string, field *T, v *T) {
	if v != nil && *v != *field {
		changes[name] = mohalla.Change{Old: *field, New: *v}
		*field = *v
	}
}

// DeleteProduct discontinues a product: it stays readable by id for old orders
// but is no longer listed, searchable or orderable. It appends product/deleted.
// Only the shop's owner or an admin may. Discontinuing it again changes nothing.
func (s *Service) DeleteProduct(ctx context.Context, c mohalla.Caller, id string) error {
	err := s.write(ctx, c, "delete_product", func(ctx context.Context, w *change) error {
		p, err := s.managedProduct(ctx, w, id)
		if err != nil || p.DeletedAt != nil {
			return err
		}
		p.Version++
		p.UpdatedAt, p.DeletedAt = w.now, &w.now
		if err := w.tx.UpdateProduct(ctx, &p); err != nil {
			return err
		}
		w.audit(mohalla.AuditProductDelete, "product", p.ID, p.ShopID, map[string]any{"deletedAt": nil}, map[string]any{"deletedAt": w.now})
		return w.emit(mohalla.EventProductDeleted, productEvent(p))
	})
	return err
}

// managedProduct loads and locks a product in w and checks that w's caller may manage it.
func (s *Service) managedProduct(ctx context.Context, w *change, id string) (mohalla.Product, error) {
	p, err := w.tx.ProductForUpdate(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// Row-level security hides from a locking read the rows the caller
		// may read but not change; authManageProduct answers them.
		p, err = w.tx.Product(ctx, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return p, mohalla.Errorf(mohalla.ENOTFOUND, "product %q not found", id)
	} else if err != nil {
		return p, err
	}
	sh, err := w.tx.Shop(ctx, p.ShopID)
	if err != nil {
		return p, err
	}
	return p, authManageProduct(w.caller, sh.OwnerID)
}
