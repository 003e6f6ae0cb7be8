package httpapi

import "net/http"

// liveRoutes is the live queries' stream, served when the server has a hub.
func (s *Server) liveRoutes() []route {
	if s.live == nil {
		return nil
	}
	return []route{
		{Method: "GET", Path: "/v1/live", ID: "live", Tag: "live",
			Summary: "Follow topics as Server-Sent Events: product:{id} and shop:{id}:products (anyone), order:{id}, user:{id}:orders and shop:{id}:orders (those who may read them). A snapshot event carries every topic's value, then a change event follows each event-log entry as soon as its transaction commits, its id a mark of what the stream has sent (opaque: send it back as it is); reconnecting with Last-Event-ID, on any node, replays exactly what was missed, or sends reset with current values when it is too old or past the log's head. A heartbeat event every 15 s carries the latest position as its id. An end event closes the stream at its token's expiry, after an hour, or at the heartbeat after its API key is revoked: reconnect with its id. Product topics carry only a product's public fields. 429 beyond the caller's (or IP's) open streams or stream opens. The client script is at /v1/live/client.js.",
			Auth:    true, Query: []param{
				{Name: "topics", Type: "string", Doc: "comma-separated topics, required"},
				{Name: "token", Type: "string", Doc: "a JWT, for browsers, whose EventSource sends no Authorization header"},
				{Name: "lastEventId", Type: "string", Doc: "the id of the last event seen, as the Last-Event-ID header"},
			},
			Status: http.StatusOK, Errors: []int{401, 403, 404, 422}, Stream: s.live, Budget: budgetLive},
	}
}
