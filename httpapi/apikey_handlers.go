package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// apiKeyRoutes manage the service API keys, which callers present as bearer
// tokens in place of a JWT.
func (s *Server) apiKeyRoutes() []route {
	return []route{
		{Method: "POST", Path: "/v1/api-keys", ID: "createApiKey", Tag: "auth",
			Summary: "Make an API key (mk_…) of kind service (the default: a caller presenting it as its bearer token acts with the service role) or search (it only searches, as the Typesense API's X-TYPESENSE-API-KEY). The key is in this answer only; the store keeps its SHA-256. An admin.",
			Auth:    true, Body: market.CreateAPIKey{},
			Status: http.StatusCreated, Result: market.NewAPIKey{}, Errors: []int{400, 401, 403, 413, 422}, handle: s.createAPIKey},
		{Method: "GET", Path: "/v1/api-keys", ID: "listApiKeys", Tag: "auth",
			Summary: "List the service API keys, newest first, without their secrets: an admin.",
			Auth:    true, Status: http.StatusOK, Result: mohalla.Page[mohalla.APIKey]{}, Errors: []int{401, 403}, handle: s.apiKeys},
		{Method: "DELETE", Path: "/v1/api-keys/{id}", ID: "revokeApiKey", Tag: "auth",
			Summary: "Revoke a service API key: it stops working at once. An admin.",
			Auth:    true, Status: http.StatusNoContent, Errors: []int{401, 403, 404}, handle: s.revokeAPIKey},
	}
}

func (s *Server) createAPIKey(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.CreateAPIKey
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return s.svc.CreateAPIKey(r.Context(), c, in)
}

func (s *Server) apiKeys(r *http.Request, c mohalla.Caller) (any, error) {
	return s.svc.APIKeys(r.Context(), c)
}

func (s *Server) revokeAPIKey(r *http.Request, c mohalla.Caller) (any, error) {
	return nil, s.svc.RevokeAPIKey(r.Context(), c, r.PathValue("id"))
}

// verify returns the caller of a bearer token: a service API key, or a JWT.
func (s *Server) verify(ctx context.Context, token string) (mohalla.Caller, error) {
	if strings.HasPrefix(token, market.APIKeyPrefix) {
		return s.svc.VerifyAPIKey(ctx, token)
	}
	if s.signer == nil {
		return mohalla.Caller{}, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "this server accepts no tokens")
	}
	return s.signer.Verify(token)
}

// tokenExpiry says until when a live stream's token holds: a JWT until its
// exp; an API key until it is revoked, which this, asked again at each
// heartbeat, finds out (EUNAUTHENTICATED).
func (s *Server) tokenExpiry(ctx context.Context, token string) (time.Time, error) {
	if strings.HasPrefix(token, market.APIKeyPrefix) {
		_, err := s.svc.VerifyAPIKey(ctx, token)
		return time.Time{}, err
	}
	if s.signer == nil {
		return time.Time{}, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "this server accepts no tokens")
	}
	_, exp, err := s.signer.VerifyExpiry(token)
	return exp, err
}
