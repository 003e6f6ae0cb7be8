package httpapi

import (
	"bytes"
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// sendBody is the body of POST /v1/events: one event, or an array of them, as
// Inngest's send takes.
type sendBody []market.SendEvent

// UnmarshalJSON reads one event or an array of events, rejecting unknown fields.
func (b *sendBody) UnmarshalJSON(data []byte) error {
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("[")) {
		var many []market.SendEvent
		if err := decodeStrict(data, &many); err != nil {
			return err
		}
		*b = many
		return nil
	}
	var one market.SendEvent
	if err := decodeStrict(data, &one); err != nil {
		return err
	}
	*b = sendBody{one}
	return nil
}

// sendResult answers POST /v1/events as Inngest does: the events' ids, in the
// order sent, and the status repeated in the body.
type sendResult struct {
	IDs    []string `json:"ids"`
	Status int      `json:"status"`
}

func (s *Server) sendEvents(r *http.Request, c mohalla.Caller) (any, error) {
	var in sendBody
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	ids, err := s.svc.SendEvents(r.Context(), c, in)
	if err != nil {
		return nil, err
	}
	return sendResult{IDs: ids, Status: http.StatusOK}, nil
}

// events reads the log. The next cursor is the last event's position whenever
// the page has events: the log has no end, so a follower stops at an empty page
// and asks again later from the same cursor.
func (s *Server) events(r *http.Request, c mohalla.Caller) (any, error) {
	q := r.URL.Query()
	limit, err := queryInt(q, "limit")
	if err != nil {
		return nil, err
	}
	after, err := mohalla.ParsePosition(q.Get("after"))
	if err != nil {
		return nil, invalidField("after", "must be a position of the form tx-id, such as a nextCursor")
	}
	before, err := mohalla.ParsePosition(q.Get("before"))
	if err != nil {
		return nil, invalidField("before", "must be a position of the form tx-id, such as a nextCursor")
	}
	order := q.Get("order")
	if order != "" && order != "oldest" && order != "newest" {
		return nil, invalidField("order", "must be oldest or newest")
	}
	evs, err := s.svc.Events(r.Context(), c, market.EventQuery{After: after, Newest: order == "newest", Before: before,
		Name: q.Get("name"), Limit: limit})
	if err != nil {
		return nil, err
	}
	p := mohalla.Page[mohalla.Event]{Items: evs}
	if len(evs) > 0 {
		p.NextCursor = evs[len(evs)-1].Pos.String()
	}
	return p, nil
}
