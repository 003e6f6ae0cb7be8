package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func (s *Server) batchProducts(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.ProductBatch
	var err error
	if in.Items, in.Rejected, err = decodeItems[market.CreateProduct](r); err != nil {
		return nil, err
	}
	in.Mode = market.BatchMode(r.URL.Query().Get("mode"))
	return s.svc.UpsertProducts(r.Context(), c, in)
}

func (s *Server) batchStock(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.StockBatch
	var err error
	if in.Items, in.Rejected, err = decodeItems[market.StockItem](r); err != nil {
		return nil, err
	}
	in.Mode = market.BatchMode(r.URL.Query().Get("mode"))
	return s.svc.ChangeStocks(r.Context(), c, in)
}

// decodeItems reads a batch body, {"items": [...]}, decoding each item on its
// own as decode would a single write's body: an item it refuses (a value of
// the wrong type, an unknown field, a null) is an item error, so that partial
// mode can write the others. A body that is not such an object is refused
// whole, as decode refuses it.
//
// Most bodies are all good: they are checked and decoded once, whole, with
// each item held to the rules of a nested object (which are its rules as a
// body, and its required fields besides). Only a body that fails that is
// walked again item by item, to say which items fail and why; so the
// per-item errors are what they always were, and a good body costs one walk
// and one decode instead of two of each.
func decodeItems[T any](r *http.Request) ([]T, []market.ItemError, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, bodyError(err)
	}
	var whole struct {
		Items []T `json:"items"`
	}
	if decodeBytes(data, &whole) == nil {
		return whole.Items, nil, nil
	}
	var body struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := decodeBytes(data, &body); err != nil {
		return nil, nil, err
	}
	items := make([]T, len(body.Items))
	var rejected []market.ItemError
	t := reflect.TypeFor[T]()
	for i, raw := range body.Items {
		err := checkBody(raw, t)
		if err == nil {
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err = dec.Decode(&items[i]); err != nil {
				err = bodyError(err)
			}
		}
		if err == nil {
			continue
		}
		var (
			me *mohalla.Error
			he *httpError
		)
		switch {
		case errors.As(err, &me) && len(me.Fields) > 0:
			for _, f := range me.Fields {
				rejected = append(rejected, market.ItemError{Index: i, Field: f.Field, Message: f.Message, Code: mohalla.EINVALID})
			}
		case errors.As(err, &he):
			rejected = append(rejected, market.ItemError{Index: i, Message: he.Detail, Code: mohalla.EINVALID})
		default:
			return nil, nil, err
		}
	}
	return items, rejected, nil
}
