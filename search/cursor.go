package search

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/mohallamart/mohalla"
)

// cursor is where the next page starts: the sort values of the last hit shown,
// for the same sort and the same matching (typos, any word).
type cursor struct {
	Sort    string   `json:"s"`
	After   []string `json:"a"`
	AnyWord bool     `json:"w,omitempty"`
	Typos   bool     `json:"t,omitempty"`
}

// encodeCursor returns c as an opaque string.
func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor for a search sorted by sort with keys sort
// values. "" is the first page.
func decodeCursor(s, sort string, keys int) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Sort != sort || len(c.After) != keys {
		return cursor{}, errBadCursor()
	}
	return c, nil
}

// checkAfter rejects a forged cursor whose numeric sort values are not numbers.
func checkAfter(order bsearch.SortOrder, after []string) error {
	for i, s := range order {
		switch s.(type) {
		case *bsearch.SortScore, *bsearch.SortGeoDistance:
			if _, err := strconv.ParseFloat(after[i], 64); err != nil {
				return errBadCursor()
			}
		}
	}
	return nil
}

func errBadCursor() error {
	return &mohalla.Error{Code: mohalla.EINVALID, Message: "the request has invalid fields",
		Fields: []mohalla.FieldError{{Field: "cursor", Message: "is not a cursor of this search"}}}
}
