// Package inngestapi serves Inngest's event API, POST /e/{eventKey}, the one
// route the Inngest SDK's send calls: its events land in the event log and
// trigger the functions that follow them, as POST /v1/events does. A team that
// sends events with inngest.send(...) moves by changing the SDK's baseUrl and
// eventKey (INNGEST_BASE_URL, INNGEST_EVENT_KEY) to this server and one of its
// service API keys.
package inngestapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// Service is what the API needs of the market: the key check and the send.
type Service interface {
	// VerifyAPIKey returns the caller of a service API key, or
	// EUNAUTHENTICATED (EFORBIDDEN for a search key).
	VerifyAPIKey(ctx context.Context, key string) (mohalla.Caller, error)
	// SendEvents appends the events, once per id, and returns their ids.
	SendEvents(ctx context.Context, c mohalla.Caller, in []market.SendEvent) ([]string, error)
}

// Config configures an API. A nil *Config, or a zero field, is the default.
type Config struct {
	Logger       *slog.Logger // internal errors; default: discard
	MaxBodyBytes int64        // default 1 MiB
}

// API serves POST /e/{eventKey}.
type API struct {
	svc     Service
	log     *slog.Logger
	maxBody int64
}

// New returns the API sending through svc.
func New(svc Service, cfg *Config) *API {
	if cfg == nil {
		cfg = &Config{}
	}
	return &API{svc: svc, log: cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)), maxBody: cmp.Or(cfg.MaxBodyBytes, 1<<20)}
}

// Event is one event as the SDK sends it. User is accepted and not kept: the
// event's user in the log is the caller its key acts as.
type Event struct {
	ID   string          `json:"id,omitempty"`
	Name string          `json:"name"`
	Data json.RawMessage `json:"data,omitempty"`
	User json.RawMessage `json:"user,omitempty"`
	TS   int64           `json:"ts,omitempty"`
	V    string          `json:"v,omitempty"`
}

// Result answers a send as Inngest does: the events' ids in the order sent.
type Result struct {
	IDs    []string `json:"ids"`
	Status int      `json:"status"`
}

// Error is the body of a refused send, as Inngest writes it.
type Error struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// Send serves POST /e/{eventKey}: one event or an array of them.
func (a *API) Send() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := a.svc.VerifyAPIKey(r.Context(), r.PathValue("eventKey"))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		evs, err := decode(http.MaxBytesReader(w, r.Body, a.maxBody))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		in := make([]market.SendEvent, len(evs))
		for i, e := range evs {
			in[i] = market.SendEvent{ID: e.ID, Name: e.Name, Data: e.Data, TS: e.TS, V: e.V}
		}
		ids, err := a.svc.SendEvents(r.Context(), c, in)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.write(w, r, http.StatusOK, Result{IDs: ids, Status: http.StatusOK})
	})
}

// badBody is a body that is not an event or an array of events.
type badBody struct {
	status int
	msg    string
}

func (e *badBody) Error() string { return e.msg }

// decode reads one event or an array of them, refusing unknown fields.
func decode(r io.Reader) ([]Event, error) {
	var raw json.RawMessage
	outer := json.NewDecoder(r)
	err := outer.Decode(&raw)
	if err == nil && outer.Decode(&struct{}{}) != io.EOF {
		return nil, &badBody{http.StatusBadRequest, "the body must hold one JSON value"}
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &badBody{http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", tooBig.Limit)}
		}
		return nil, &badBody{http.StatusBadRequest, "the body must be an event or an array of events, as JSON"}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var evs []Event
	if bytes.HasPrefix(bytes.TrimLeft(raw, " \t\r\n"), []byte("[")) {
		err = dec.Decode(&evs)
	} else {
		var one Event
		err = dec.Decode(&one)
		evs = []Event{one}
	}
	if err != nil {
		return nil, &badBody{http.StatusBadRequest, "the body must be an event {name, data, user, id, ts, v} or an array of them: " + err.Error()}
	}
	for _, e := range evs {
		if len(e.User) > 0 && !bytes.HasPrefix(bytes.TrimSpace(e.User), []byte("{")) && string(e.User) != "null" {
			return nil, &badBody{http.StatusBadRequest, "user must be a JSON object"}
		}
	}
	return evs, nil
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, "internal error"
	var bb *badBody
	var e *mohalla.Error
	switch {
	case errors.As(err, &bb):
		status, msg = bb.status, bb.msg
	case errors.As(err, &e):
		msg = e.Message
		switch e.Code {
		case mohalla.EINVALID:
			status = http.StatusBadRequest
			parts := make([]string, len(e.Fields))
			for i, f := range e.Fields {
				parts[i] = f.Field + ": " + f.Message
			}
			if len(parts) > 0 {
				msg = strings.Join(parts, "; ")
			}
		case mohalla.EUNAUTHENTICATED:
			status, msg = http.StatusUnauthorized, "Event key not found"
		case mohalla.EFORBIDDEN:
			status = http.StatusForbidden
		case mohalla.EUNAVAILABLE:
			status = http.StatusServiceUnavailable
		case mohalla.ECONFLICT:
			status = http.StatusConflict
		default:
			a.log.ErrorContext(r.Context(), "inngest api", slog.Any("err", err))
			msg = "internal error"
		}
	default:
		a.log.ErrorContext(r.Context(), "inngest api", slog.Any("err", err))
	}
	a.write(w, r, status, Error{Error: msg, Status: status})
}

func (a *API) write(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		a.log.ErrorContext(r.Context(), "inngest api: encode", slog.Any("err", err))
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error","status":500}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
