package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/mohallamart/mohalla"
)

// health is the body of /healthz and /readyz. Parts holds the state of each
// part a request does not depend on (the cache, the search index): reported,
// never a reason to answer 503.
type health struct {
	Status string         `json:"status"`
	Parts  map[string]any `json:"parts,omitempty"`
}

func (s *Server) healthz(*http.Request, mohalla.Caller) (any, error) {
	return health{Status: "ok"}, nil
}

func (s *Server) readyz(r *http.Request, _ mohalla.Caller) (any, error) {
	ctx, cancel := context.WithTimeout(r.Context(), s.readyTimeout)
	defer cancel()
	if err := s.svc.Store().Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "store not ready", slog.Any("err", err))
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "the store is not reachable")
	}
	h := health{Status: "ok"}
	if len(s.parts) > 0 {
		h.Parts = make(map[string]any, len(s.parts))
		for name, state := range s.parts {
			h.Parts[name] = state()
		}
	}
	return h, nil
}

func (s *Server) openapi(*http.Request, mohalla.Caller) (any, error) {
	return json.RawMessage(s.openAPI), nil
}
