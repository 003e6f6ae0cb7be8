package market

import (
	"context"
	"fmt"
	"slices"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// StockBatch is the input of Service.ChangeStocks.
type StockBatch struct {
	// Items are the deltas; at most MaxBatch.
	Items []StockItem `json:"items"`
	// Mode is BatchAtomic (the default) or BatchPartial.
	Mode BatchMode `json:"-"`
	// Rejected are errors of items their caller could not decode (the HTTP
	// API's, for a value of the wrong type); those items count as invalid.
	Rejected []ItemError `json:"-"`
}

// StockItem is one delta of a StockBatch: ChangeStock's input with the
// product it changes.
type StockItem struct {
	ProductID string `json:"productId" rule:"id"`
	Delta     int64  `json:"delta" rule:"delta"`
	Reason    string `json:"reason,omitempty" rule:"line"`
}

func (in *StockItem) validate() error {
	var v mohalla.Invalid
	checkID(&v, "productId", in.ProductID, true)
	if in.Delta == 0 || in.Delta > maxStock || in.Delta < -maxStock {
		v.Add("delta", "must be a non-zero whole number between -%d and %d", maxStock, maxStock)
	}
	checkText(&v, "reason", in.Reason, "line")
	return v.Err()
}

// ChangeStocks applies up to MaxBatch stock deltas in one transaction, each
// as ChangeStock would: its product/updated event, any inventory event it
// causes, its audit row. The deltas apply in batch order, so a product may
// appear more than once. Each item is authorized as ChangeStock is (the
// shop's owner, an admin or a service); a batch with any item its caller may
// not write is refused whole. An item whose product does not exist is
// ENOTFOUND; one that would take the stock below zero ECONFLICT, or above
// MaxStock EINVALID on delta. In atomic mode any item error refuses the
// batch; in partial mode the other items are written and the failed ones
// listed in BatchResult.Errors (a failed delta leaves the stock as it was
// for the deltas after it).
func (s *Service) ChangeStocks(ctx context.Context, c mohalla.Caller, in StockBatch) (BatchResult, error) {
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
	for i := range in.Items {
		if rejected[i] {
			continue
		}
		if err := in.Items[i].validate(); err != nil {
			invalid = append(invalid, itemErrors(i, "", err)...)
			continue
		}
		ok[i] = true
	}
	if len(invalid) > 0 && mode == BatchAtomic {
		return BatchResult{}, batchError(invalid)
	}
	var res BatchResult
	err = s.write(ctx, c, "batch_stock", func(ctx context.Context, w *change) error {
		res = BatchResult{Mode: mode, Errors: append([]ItemError(nil), invalid...)}
		return changeStocks(ctx, w, in.Items, ok, &res)
	})
	if err != nil {
		return BatchResult{}, err
	}
	res.finish()
	return res, nil
}

// changeStocks applies the items marked ok in w, recording each outcome in res.
func changeStocks(ctx context.Context, w *change, items []StockItem, ok []bool, res *BatchResult) error {
	var ids []string
	for i, it := range items {
		if ok[i] {
			ids = append(ids, it.ProductID)
		}
	}
	owners, err := w.tx.ProductOwners(ctx, ids)
	if err != nil {
		return err
	}
	var refused, failed []ItemError
	// rounds[k] holds the k-th delta of each product: one statement a round
	// changes each row once, and the rounds keep each product's batch order.
	var rounds [][]int
	seen := map[string]int{}
	for i, it := range items {
		if !ok[i] {
			continue
		}
		o, found := owners[it.ProductID]
		if !found {
			failed = append(failed, itemErrors(i, "productId", mohalla.Errorf(mohalla.ENOTFOUND, "product %q not found", it.ProductID))...)
			continue
		}
		if err := authChangeStock(w.caller, o.OwnerID); err != nil {
			refused = append(refused, itemErrors(i, "", err)...)
			continue
		}
		k := seen[it.ProductID]
		seen[it.ProductID]++
		if k == len(rounds) {
			rounds = append(rounds, nil)
		}
		rounds[k] = append(rounds[k], i)
	}
	if len(refused) > 0 {
		return batchError(refused)
	}
	if len(failed) > 0 && res.Mode == BatchAtomic {
		return batchError(failed)
	}
	if err := w.tx.LockProducts(ctx, ids); err != nil {
		return err
	}
	for _, round := range rounds {
		ds := make([]store.StockDelta, len(round))
		for j, i := range round {
			ds[j] = store.StockDelta{ProductID: items[i].ProductID, Delta: items[i].Delta}
		}
		changes, err := w.tx.AdjustStocks(ctx, ds, w.now)
		if err != nil {
			return err
		}
		byID := make(map[string]store.StockChange, len(changes))
		for _, sc := range changes {
			byID[sc.ProductID] = sc
		}
		for _, i := range round {
			it := items[i]
			sc, done := byID[it.ProductID]
			if !done {
				cur, err := w.tx.Product(ctx, it.ProductID)
				if err != nil {
					return err
				}
				var why error
				if it.Delta > 0 {
					why = fieldError("delta", fmt.Sprintf("would make the stock %d, above the most a product may hold, %d",
						cur.Stock+it.Delta, MaxStock))
				} else {
					why = insufficient(cur, -it.Delta)
				}
				if res.Mode == BatchAtomic {
					return batchError(itemErrors(i, "", why))
				}
				failed = append(failed, itemErrors(i, "", why)...)
				continue
			}
			if err := w.stockChanged(ctx, sc, "stock", ""); err != nil {
				return err
			}
			w.audit(mohalla.AuditProductStock, "product", it.ProductID, sc.ShopID, map[string]any{"stock": sc.Old},
				map[string]any{"stock": sc.New, "delta": it.Delta, "reason": it.Reason})
			stock := sc.New
			res.Items = append(res.Items, BatchItem{Index: i, ID: it.ProductID, Result: "changed", Version: sc.Version, Stock: &stock})
		}
	}
	res.Errors = append(res.Errors, failed...)
	slices.SortStableFunc(res.Errors, func(a, b ItemError) int { return a.Index - b.Index })
	return nil
}
