package market

import (
	"context"
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// ProductBatch is the input of Service.UpsertProducts.
type ProductBatch struct {
	// Items are the products, each as CreateProduct takes it; at most MaxBatch.
	Items []CreateProduct `json:"items"`
	// Mode is BatchAtomic (the default) or BatchPartial.
	Mode BatchMode `json:"-"`
	// Rejected are errors of items their caller could not decode (the HTTP
	// API's, for a value of the wrong type); those items count as invalid.
	Rejected []ItemError `json:"-"`
}

// UpsertProducts creates or updates up to MaxBatch products in one
// transaction. An item whose id names no product creates it, as CreateProduct
// would (an item without an id gets a new one); an item whose id names a
// product of the same shop updates its details, as UpdateProduct would, but
// never its stock (stock changes through ChangeStock or ChangeStocks, which
// keep the inventory events right): the item's stock is the stock of a
// product it creates. An item that changes nothing writes nothing, no event
// and no audit row, so sending a batch again is harmless.
//
// Each item is authorized as its single write is (the shop's owner or an
// admin); a batch with any item its caller may not write is refused whole.
// An item is EINVALID if it breaks a field rule, repeats an earlier item's
// id, names no shop, or names a product of another shop (products do not
// move); ECONFLICT if its product is discontinued. In atomic mode any item
// error refuses the batch, listing them all; in partial mode the items that
// pass are written and the others listed in BatchResult.Errors.
func (s *Service) UpsertProducts(ctx context.Context, c mohalla.Caller, in ProductBatch) (BatchResult, error) {
	mode, err := in.Mode.check()
	if err != nil {
		return BatchResult{}, err
	}
	if err := checkSize(len(in.Items)); err != nil {
		return BatchResult{}, err
	}
	invalid := append([]ItemError(nil), in.Rejected...)
	ok := make([]bool, len(in.Items))
	rejected := map[int]bool{}
	for _, e := range in.Rejected {
		rejected[e.Index] = true
	}
	seen := make(map[string]int, len(in.Items))
	for i := range in.Items {
		if rejected[i] {
			continue
		}
		it := &in.Items[i]
		it.Category = normCategory(it.Category)
		if err := it.validate(); err != nil {
			invalid = append(invalid, itemErrors(i, "", err)...)
			continue
		}
		if j, dup := seen[it.ID]; dup && it.ID != "" {
			invalid = append(invalid, ItemError{Index: i, Field: "id", Code: mohalla.EINVALID,
				Message: fmt.Sprintf("repeats the id of item %d; a batch writes each product once", j)})
			continue
		}
		seen[it.ID] = i
		ok[i] = true
	}
	if len(invalid) > 0 && mode == BatchAtomic {
		return BatchResult{}, batchError(invalid)
	}
	var res BatchResult
	err = s.write(ctx, c, "batch_products", func(ctx context.Context, w *change) error {
		res = BatchResult{Mode: mode, Errors: append([]ItemError(nil), invalid...)}
		return s.upsertProducts(ctx, w, in.Items, ok, &res)
	})
	if err != nil {
		return BatchResult{}, err
	}
	res.finish()
	return res, nil
}

// upsertProducts writes the items marked ok in w, recording each outcome in res.
func (s *Service) upsertProducts(ctx context.Context, w *change, items []CreateProduct, ok []bool, res *BatchResult) error {
	var shopIDs, ids []string
	for i, it := range items {
		if ok[i] {
			shopIDs = append(shopIDs, it.ShopID)
			if it.ID != "" {
				ids = append(ids, it.ID)
			}
		}
	}
	owners, err := w.tx.ShopOwners(ctx, shopIDs)
	if err != nil {
		return err
	}
	existing, err := w.tx.ProductsForUpdate(ctx, ids)
	if err != nil {
		return err
	}
	if len(existing) < len(ids) && !w.caller.Privileged() {
		// Row-level security hides from a locking read the products the
		// caller may read but not change (never an admin's or a service's);
		// they are found here, and refused.
		var hidden []string
		for _, id := range ids {
			if _, found := existing[id]; !found {
				hidden = append(hidden, id)
			}
		}
		visible, err := w.tx.Products(ctx, hidden)
		if err != nil {
			return err
		}
		var more []string
		for id, p := range visible {
			existing[id] = p
			if _, known := owners[p.ShopID]; !known {
				more = append(more, p.ShopID)
			}
		}
		if len(more) > 0 {
			o, err := w.tx.ShopOwners(ctx, more)
			if err != nil {
				return err
			}
			for k, v := range o {
				owners[k] = v
			}
		}
	}

	// Authorization first: one item the caller may not write refuses the batch.
	var refused []ItemError
	for i, it := range items {
		if !ok[i] {
			continue
		}
		err := authManageProduct(w.caller, owners[it.ShopID])
		if p, found := existing[it.ID]; found && err == nil && p.ShopID != it.ShopID {
			err = authManageProduct(w.caller, owners[p.ShopID])
		}
		if err != nil {
			refused = append(refused, itemErrors(i, "", err)...)
		}
	}
	if len(refused) > 0 {
		return batchError(refused)
	}

	var creates, updates []mohalla.Product
	var remembered []store.IdempotencyRecord
	var failed []ItemError
	for i, in := range items {
		if !ok[i] {
			continue
		}
		if _, found := owners[in.ShopID]; !found {
			failed = append(failed, itemErrors(i, "", fieldError("shopId", "no shop has this id"))...)
			continue
		}
		p, found := existing[in.ID]
		switch {
		case found && p.ShopID != in.ShopID:
			failed = append(failed, itemErrors(i, "", fieldError("shopId",
				fmt.Sprintf("product %q is sold by shop %q; a product cannot move to another shop", p.ID, p.ShopID)))...)
			continue
		case found && p.DeletedAt != nil:
			failed = append(failed, itemErrors(i, "", mohalla.Errorf(mohalla.ECONFLICT, "product %q is discontinued", p.ID))...)
			continue
		case found:
			changes := map[string]mohalla.Change{}
			set(changes, "name", &p.Name, &in.Name)
			set(changes, "description", &p.Description, &in.Description)
			set(changes, "price", &p.Price, in.Price)
			set(changes, "category", &p.Category, &in.Category)
			set(changes, "unit", &p.Unit, &in.Unit)
			threshold := int64(DefaultLowStockThreshold)
			if in.LowStockThreshold != nil {
				threshold = *in.LowStockThreshold
			}
			set(changes, "lowStockThreshold", &p.LowStockThreshold, &threshold)
			if len(changes) == 0 {
				res.Items = append(res.Items, BatchItem{Index: i, ID: p.ID, Result: "unchanged", Version: p.Version})
				continue
			}
			p.Version++
			p.UpdatedAt = w.now
			updates = append(updates, p)
			before, after := map[string]any{}, map[string]any{}
			for name, ch := range changes {
				before[name], after[name] = ch.Old, ch.New
			}
			w.audit(mohalla.AuditProductUpdate, "product", p.ID, p.ShopID, before, after)
			if err := w.emit(mohalla.EventProductUpdated, mohalla.ProductUpdated{ProductID: p.ID, ShopID: p.ShopID,
				Version: p.Version, Changes: changes, Reason: "edit"}); err != nil {
				return err
			}
			res.Items = append(res.Items, BatchItem{Index: i, ID: p.ID, Result: "updated", Version: p.Version})
		default:
			hash := requestHash(in) // as CreateProduct remembers it, so a later single create replays it
			p = mohalla.Product{ID: in.ID, ShopID: in.ShopID, Name: in.Name, Description: in.Description,
				Price: *in.Price, Category: in.Category, Unit: in.Unit, Stock: *in.Stock,
				LowStockThreshold: DefaultLowStockThreshold, Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
			if in.LowStockThreshold != nil {
				p.LowStockThreshold = *in.LowStockThreshold
			}
			if p.ID == "" {
				p.ID = newID()
			} else {
				remembered = append(remembered, store.IdempotencyRecord{Scope: "product", Key: p.ID, RequestHash: hash, ResourceID: p.ID})
			}
			creates = append(creates, p)
			w.audit(mohalla.AuditProductCreate, "product", p.ID, p.ShopID, nil, createdAudit(p))
			if err := w.emit(mohalla.EventProductCreated, productEvent(p)); err != nil {
				return err
			}
			res.Items = append(res.Items, BatchItem{Index: i, ID: p.ID, Result: "created", Version: 1})
		}
	}
	if len(failed) > 0 {
		if res.Mode == BatchAtomic {
			return batchError(failed)
		}
		res.Errors = append(res.Errors, failed...)
	}
	if err := w.tx.InsertProducts(ctx, creates, w.now); errors.Is(err, store.ErrDuplicate) {
		return errRaced // a concurrent write created one of them: the next attempt updates it
	} else if err != nil {
		return err
	}
	if err := w.tx.UpdateProducts(ctx, updates, w.now); err != nil {
		return err
	}
	return w.tx.InsertIdempotencies(ctx, remembered, w.now)
}
