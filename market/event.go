package market

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// SendEvent is one event of Service.SendEvents, Inngest's send: ID is optional, and
// an event sent twice with the same ID is stored once.
type SendEvent struct {
	ID   string          `json:"id,omitempty" rule:"id"`
	Name string          `json:"name"`
	Data json.RawMessage `json:"data,omitempty"`
	// TS is the time of the event in Unix milliseconds; default now.
	TS int64 `json:"ts,omitempty"`
	// V is the version of the event's data, as the sender names it (Inngest's
	// "v"); default mohalla.EventVersion.
	V string `json:"v,omitempty"`
}

var versionPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

var eventNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$`)

// reserved reports whether name belongs to the data layer: its events carry
// versions and facts that followers (cache, search, live) and functions trust,
// so only the writes they describe may append them. product/viewed is the one
// product event clients send.
func reserved(name string) bool {
	if name == mohalla.ProductViewedEvent.Name {
		return false
	}
	for _, p := range []string{"user/", "shop/", "product/", "order/", "inventory/", "function/", "sync/"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// maxSend bounds the events of one send.
const maxSend = 1000

// clientEvents are the events a customer may send: the storefront's record of
// what its user does, which analytics counts. Each is about its sender.
var clientEvents = map[string]bool{mohalla.EventProductViewed: true}

// SendEvents appends events from outside to the log in one transaction, where the
// functions that follow them are queued too. Admins and services may send any
// event but the data layer's own. A customer may send a client event
// (product/viewed), one per call so that each is charged to its request
// budget (else EFORBIDDEN), about themselves: its data's userId is the
// caller, whatever was sent, and its ts the server's clock; an id it chooses is
// stored as its own (customerEventID). Each event's user is
// its sender. It returns the events' ids, in the order sent, including those
// already stored.
func (s *Service) SendEvents(ctx context.Context, c mohalla.Caller, in []SendEvent) ([]string, error) {
	if err := authSendEvents(c, in); err != nil {
		return nil, err
	}
	customer := !c.Privileged()
	var v mohalla.Invalid
	if len(in) == 0 || len(in) > maxSend {
		v.Add("events", "send between 1 and %d events", maxSend)
	}
	now := s.cfg.Now()
	events := make([]mohalla.Event, len(in))
	for i, e := range in {
		f := fmt.Sprintf("%d.", i)
		if len(in) == 1 {
			f = ""
		}
		if len(e.Name) > 100 || !eventNamePattern.MatchString(e.Name) {
			v.Add(f+"name", "must be lowercase words separated by '/', such as \"product/viewed\"")
		} else if reserved(e.Name) {
			v.Add(f+"name", "%q is the data layer's own event; it is appended by the write it describes", e.Name)
		}
		if e.ID != "" && !idPattern.MatchString(e.ID) {
			v.Add(f+"id", "must be 1 to 64 letters, digits, '_' or '-'")
		}
		data := e.Data
		if len(data) == 0 || string(data) == "null" {
			data = json.RawMessage("{}")
		}
		if data[0] != '{' {
			v.Add(f+"data", "must be a JSON object")
		} else if customer {
			data = aboutCaller(c, f, data, &v)
			e.TS = 0
		}
		id, ts := e.ID, e.TS
		switch {
		case id == "":
			id = newID()
		case customer:
			id = customerEventID(c, id)
		}
		if ts == 0 {
			ts = now.UnixMilli()
		} else if ts < 0 || ts > now.Add(24*time.Hour).UnixMilli() {
			v.Add(f+"ts", "must be a time in Unix milliseconds, not in the future")
		}
		if len(e.V) > 64 || !versionPattern.MatchString(cmp.Or(e.V, "-")) {
			v.Add(f+"v", "must be at most 64 letters, digits, '.', '_' or '-'")
		}
		caller := c
		events[i] = mohalla.Event{ID: id, Name: e.Name, Data: data, User: &caller, TS: ts, V: cmp.Or(e.V, mohalla.EventVersion)}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.write(ctx, c, "send_events", func(ctx context.Context, w *change) error {
		w.events = events
		// Events sent from outside are audited; the data layer's own sends in
		// process (the system caller, no request behind it) are its work, not
		// a caller's, and writing a row for each would double their cost.
		if c != mohalla.System || mohalla.RequestFrom(ctx).ID != "" {
			w.audit(mohalla.AuditEventSend, "event", events[0].ID, "", nil, sentEvents(events))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids, nil
}

// customerEventID is the id under which a customer's chosen event id is
// stored: ids are unique across the log, so a customer choosing a bare id could
// claim one that a service will send later and have that event dropped as a
// repeat. Prefixed with the customer's id and a ':', which no chosen id holds,
// it can repeat only the customer's own sends.
func customerEventID(c mohalla.Caller, id string) string {
	return c.ID + ":" + id
}

// sentEvents is the audit's record of a send: how many events, their names,
// and their ids (the log holds their data, and the sender as their caller).
func sentEvents(events []mohalla.Event) map[string]any {
	var names []string
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
		if !slices.Contains(names, e.Name) {
			names = append(names, e.Name)
		}
	}
	return map[string]any{"count": len(events), "names": names, "ids": ids}
}

// EventQuery selects events for Events: those after position After (or, with
// Newest, before position Before, the zero position meaning the log's end),
// named Name if it is not "", at most Limit (default 100, at most 1000).
type EventQuery struct {
	After  mohalla.Position
	Newest bool
	Before mohalla.Position
	Name   string
	Limit  int
}

// Events reads the event log in commit order, or newest first, to admins and
// services.
func (s *Service) Events(ctx context.Context, c mohalla.Caller, q EventQuery) ([]mohalla.Event, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authEvents(c); err != nil {
		return nil, err
	}
	switch {
	case q.Limit == 0:
		q.Limit = 100
	case q.Limit < 0 || q.Limit > 1000:
		return nil, fieldError("limit", "must be between 1 and 1000")
	}
	var (
		evs []mohalla.Event
		err error
	)
	switch {
	case q.Newest && !q.After.IsZero():
		return nil, fieldError("after", "reads oldest first; newest first continues with before")
	case !q.Newest && !q.Before.IsZero():
		return nil, fieldError("before", "reads newest first; pass order=newest")
	case q.Newest:
		evs, err = s.store.Read().ReadEventsBefore(ctx, q.Before, q.Name, q.Limit)
	default:
		evs, err = s.store.Read().ReadEvents(ctx, q.After, q.Name, q.Limit)
	}
	if err != nil {
		return nil, s.internal(ctx, err)
	}
	if evs == nil {
		evs = []mohalla.Event{}
	}
	return evs, nil
}

// aboutCaller returns a customer's product/viewed data with its userId the
// caller's, so that no one records views in another's name; a productId is
// required, as analytics counts nothing without one.
func aboutCaller(c mohalla.Caller, f string, data json.RawMessage, v *mohalla.Invalid) json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		v.Add(f+"data", "must be a JSON object")
		return data
	}
	var pid string
	if err := json.Unmarshal(m["productId"], &pid); err != nil || !idPattern.MatchString(pid) {
		v.Add(f+"data.productId", "must be the viewed product's id: 1 to 64 letters, digits, '_' or '-'")
	}
	m["userId"], _ = json.Marshal(c.ID)
	out, err := json.Marshal(m)
	if err != nil {
		v.Add(f+"data", "must be a JSON object")
		return data
	}
	return out
}
