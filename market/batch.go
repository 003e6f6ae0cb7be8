package market

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/mohallamart/mohalla"
)

// A batch (UpsertProducts, ChangeStocks) is many writes of one kind in one
// transaction: each item gets the events, runs and audit row its single write
// gets, through the same write path, while the rows themselves are written by
// multi-row statements.
//
// Authorization is per item, and a batch holding any item its caller may not
// write is refused whole (EFORBIDDEN, or EUNAUTHENTICATED), in either mode,
// and writes nothing: partial mode skips items whose data is wrong, not items
// the caller has no right to, so that a mistaken shop id or token never half
// applies a batch.

// MaxBatch is the most items a batch may hold.
const MaxBatch = 1000

// BatchMode says what a batch does when some of its items fail.
type BatchMode string

// The batch modes.
const (
	// BatchAtomic, the default, writes every item or none: one failing item
	// fails the batch, with every item error found.
	BatchAtomic BatchMode = "atomic"
	// BatchPartial writes the items that pass and reports the others in
	// BatchResult.Errors.
	BatchPartial BatchMode = "partial"
)

// ItemError is what is wrong with one item of a batch: its index in the
// batch, the field (as in a single write's field errors; "" for the item as a
// whole), a message for the caller and the error code a single write would
// have had.
type ItemError struct {
	Index   int          `json:"index"`
	Field   string       `json:"field,omitempty"`
	Message string       `json:"message"`
	Code    mohalla.Code `json:"code"`
}

// BatchItem is the outcome of one item written (or found unchanged).
type BatchItem struct {
	Index int    `json:"index"`
	ID    string `json:"id"`
	// Result is "created", "updated" or "unchanged" for a product, "changed"
	// for a stock delta.
	Result  string `json:"result"`
	Version int64  `json:"version"`
	// Stock is the product's stock after a stock delta.
	Stock *int64 `json:"stock,omitempty"`
}

// BatchResult is the outcome of a batch that committed.
type BatchResult struct {
	Mode BatchMode `json:"mode"`
	// Written counts the items that wrote something, Unchanged those that
	// changed nothing, Failed those in Errors (partial mode only).
	Written   int `json:"written"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	// Items lists the items that did not fail, in batch order.
	Items []BatchItem `json:"items"`
	// Errors lists the failed items' errors, in batch order; empty in atomic mode.
	Errors []ItemError `json:"errors"`
}

func (m BatchMode) check() (BatchMode, error) {
	switch m {
	case "", BatchAtomic:
		return BatchAtomic, nil
	case BatchPartial:
		return m, nil
	}
	return "", fieldError("mode", fmt.Sprintf("must be %q or %q", BatchAtomic, BatchPartial))
}

// checkSize refuses an empty batch and one over MaxBatch.
func checkSize(n int) error {
	switch {
	case n == 0:
		return fieldError("items", "must hold at least one item")
	case n > MaxBatch:
		return fieldError("items", fmt.Sprintf("holds %d items; a batch holds at most %d: send the rest in another batch", n, MaxBatch))
	}
	return nil
}

// itemErrors turns an item's error into its ItemErrors: one per field of an
// EINVALID, else one for the item (or for field, if given).
func itemErrors(index int, field string, err error) []ItemError {
	var e *mohalla.Error
	if !errors.As(err, &e) {
		e = &mohalla.Error{Code: mohalla.EINTERNAL, Message: "internal error"}
	}
	if len(e.Fields) == 0 {
		return []ItemError{{Index: index, Field: field, Message: e.Message, Code: e.Code}}
	}
	out := make([]ItemError, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = ItemError{Index: index, Field: f.Field, Message: f.Message, Code: e.Code}
	}
	return out
}

// batchError is the error of a batch refused with errs: the code of its
// first forbidding (or unauthenticated) item, else of its first item; its
// field errors name each item's field by path ("items.3.price"), and its
// itemErrors member lists errs as partial mode would.
func batchError(errs []ItemError) error {
	slices.SortStableFunc(errs, func(a, b ItemError) int { return a.Index - b.Index })
	first := errs[0]
	for _, e := range errs {
		if e.Code == mohalla.EFORBIDDEN || e.Code == mohalla.EUNAUTHENTICATED {
			first = e
			break
		}
	}
	msg := fmt.Sprintf("item %d: %s; nothing in the batch was written", first.Index, first.Message)
	if first.Field != "" {
		msg = fmt.Sprintf("item %d: %s %s; nothing in the batch was written", first.Index, first.Field, first.Message)
	}
	if len(errs) > 1 {
		msg += fmt.Sprintf(" (%d item errors in all)", len(errs))
	}
	out := &mohalla.Error{Code: first.Code, Message: msg, Detail: map[string]any{"itemErrors": errs}}
	for _, e := range errs {
		path := "items." + strconv.Itoa(e.Index)
		if e.Field != "" {
			path += "." + e.Field
		}
		out.Fields = append(out.Fields, mohalla.FieldError{Field: path, Message: e.Message})
	}
	return out
}

// finish sorts r's items and errors into batch order and counts them.
func (r *BatchResult) finish() {
	slices.SortStableFunc(r.Items, func(a, b BatchItem) int { return a.Index - b.Index })
	slices.SortStableFunc(r.Errors, func(a, b ItemError) int { return a.Index - b.Index })
	r.Written, r.Unchanged = 0, 0
	for _, it := range r.Items {
		if it.Result == "unchanged" {
			r.Unchanged++
		} else {
			r.Written++
		}
	}
	failed := map[int]bool{}
	for _, e := range r.Errors {
		failed[e.Index] = true
	}
	r.Failed = len(failed)
	if r.Items == nil {
		r.Items = []BatchItem{}
	}
	if r.Errors == nil {
		r.Errors = []ItemError{}
	}
}
