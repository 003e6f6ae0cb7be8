package market

import "github.com/mohallamart/mohalla"

// PageRequest asks for one page of a list: up to Limit items (default 50, at most
// 500) after Cursor, the NextCursor of the previous page.
type PageRequest struct {
	Limit  int
	Cursor string
}

const (
	defaultPage = 50
	maxPage     = 500
)

func (p PageRequest) limit() (int, error) {
	switch {
	case p.Limit == 0:
		return defaultPage, nil
	case p.Limit < 0 || p.Limit > maxPage:
		return 0, fieldError("limit", "must be between 1 and 500")
	}
	return p.Limit, nil
}

// page cuts the one extra row a list query fetched into the next cursor.
func page[T any](items []T, limit int, id func(T) string) mohalla.Page[T] {
	p := mohalla.Page[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(items) > limit {
		p.Items = items[:limit]
		p.NextCursor = id(items[limit-1])
	}
	return p
}
