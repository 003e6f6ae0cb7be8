package httpapi

import (
	"net/http"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
)

// replayBody is the body of POST /v1/functions/{id}/replay.
type replayBody struct {
	From   timeText `json:"from"`
	To     timeText `json:"to"`
	Status string   `json:"status,omitempty"`
}

// timeText is an RFC 3339 time as sent. The handler parses it, so that a bad
// one is an error naming its field rather than a failed decode.
type timeText string

func (timeText) openAPISchema(*schemas) map[string]any {
	return map[string]any{"type": "string", "format": "date-time"}
}

// parse reads t as the named field, recording in v what is wrong with it.
func (t timeText) parse(v *mohalla.Invalid, field string) time.Time {
	if t == "" {
		v.Add(field, "is required: an RFC 3339 time such as 2026-01-02T15:04:05Z")
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339, string(t))
	if err != nil {
		v.Add(field, "must be an RFC 3339 time such as 2026-01-02T15:04:05Z")
	}
	return at
}

// replayResult answers a replay: how many runs it queued.
type replayResult struct {
	Queued int `json:"queued"`
}

// rerunResult answers a rerun: the new run's id.
type rerunResult struct {
	RunID string `json:"runId"`
}

func (s *Server) functions(*http.Request, mohalla.Caller) (any, error) {
	return mohalla.Page[engine.FunctionInfo]{Items: s.eng.Functions()}, nil
}

func (s *Server) replay(r *http.Request, c mohalla.Caller) (any, error) {
	var in replayBody
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	var v mohalla.Invalid
	from, to := in.From.parse(&v, "from"), in.To.parse(&v, "to")
	if err := v.Err(); err != nil {
		return nil, err
	}
	n, err := s.eng.Replay(r.Context(), c, r.PathValue("id"), engine.Replay{From: from, To: to, Status: enginetype.RunStatus(in.Status)})
	if err != nil {
		return nil, err
	}
	return replayResult{Queued: n}, nil
}

func (s *Server) runs(r *http.Request, c mohalla.Caller) (any, error) {
	q := r.URL.Query()
	limit, err := queryInt(q, "limit")
	if err != nil {
		return nil, err
	}
	return s.eng.Runs(r.Context(), c, engine.RunQuery{Function: q.Get("function"), Status: enginetype.RunStatus(q.Get("status")),
		EventID: q.Get("event"), Limit: limit, Cursor: q.Get("cursor")})
}

func (s *Server) run(r *http.Request, c mohalla.Caller) (any, error) {
	return s.eng.RunDetail(r.Context(), c, r.PathValue("id"))
}

// cancelRun cancels the run and answers with it as it now stands.
func (s *Server) cancelRun(r *http.Request, c mohalla.Caller) (any, error) {
	if err := s.eng.Cancel(r.Context(), c, r.PathValue("id")); err != nil {
		return nil, err
	}
	return s.eng.RunDetail(r.Context(), c, r.PathValue("id"))
}

func (s *Server) rerun(r *http.Request, c mohalla.Caller) (any, error) {
	id, err := s.eng.Rerun(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return rerunResult{RunID: id}, nil
}

// runCounts answers GET /v1/runs/counts.
type runCounts struct {
	Items []engine.RunCount `json:"items"`
}

func (s *Server) runCounts(r *http.Request, c mohalla.Caller) (any, error) {
	counts, err := s.eng.RunCounts(r.Context(), c)
	return runCounts{Items: counts}, err
}
