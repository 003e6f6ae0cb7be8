package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestAPIKeys: an admin makes a service API key, which then reads what a
// service may and nothing an admin alone may; its secret is shown once and
// never listed; a wrong secret or a revoked key is 401; only an admin manages
// keys.
func TestAPIKeys(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			status := func(method, path, as string, header map[string]string, body string, want int) string {
				t.Helper()
				res, b := e.do(t, method, path, as, header, body)
				if res.StatusCode != want {
					t.Fatalf("%s %s as %q: status %d, want %d; body: %s", method, path, as, res.StatusCode, want, clip(b))
				}
				return b
			}
			var made struct{ ID, Name, Key string }
			b := status("POST", "/v1/api-keys", "admin", nil, `{"name":"delivery-partner"}`, http.StatusCreated)
			if err := json.Unmarshal([]byte(b), &made); err != nil || !strings.HasPrefix(made.Key, "mk_"+made.ID+"_") {
				t.Fatalf("the new key: %s (%v)", b, err)
			}
			status("POST", "/v1/api-keys", "alice", nil, `{"name":"mine"}`, http.StatusForbidden)
			status("POST", "/v1/api-keys", "", nil, `{"name":"mine"}`, http.StatusUnauthorized)

			list := status("GET", "/v1/api-keys", "admin", nil, "", http.StatusOK)
			if !strings.Contains(list, `"delivery-partner"`) || strings.Contains(list, made.Key[len(made.Key)-20:]) ||
				strings.Contains(list, "ecret") {
				t.Errorf("the list shows a secret, or not the key: %s", list)
			}
			status("GET", "/v1/api-keys", "alice", nil, "", http.StatusForbidden)
			status("GET", "/v1/api-keys", "", nil, "", http.StatusUnauthorized)

			key := map[string]string{"Authorization": "Bearer " + made.Key}
			status("GET", "/v1/events?limit=1", "", key, "", http.StatusOK) // a service may read the log
			status("POST", "/v1/api-keys", "", key, `{"name":"another"}`, http.StatusForbidden)
			wrong := map[string]string{"Authorization": "Bearer " + made.Key[:len(made.Key)-1] + "x"}
			if strings.HasSuffix(made.Key, "x") {
				wrong["Authorization"] = "Bearer " + made.Key[:len(made.Key)-1] + "y"
			}
			status("GET", "/v1/events?limit=1", "", wrong, "", http.StatusUnauthorized)

			status("DELETE", "/v1/api-keys/"+made.ID, "alice", nil, "", http.StatusForbidden)
			status("DELETE", "/v1/api-keys/"+made.ID, "", nil, "", http.StatusUnauthorized)
			status("DELETE", "/v1/api-keys/0123456789abcdef", "admin", nil, "", http.StatusNotFound)
			status("DELETE", "/v1/api-keys/"+made.ID, "admin", nil, "", http.StatusNoContent)
			status("GET", "/v1/events?limit=1", "", key, "", http.StatusUnauthorized)
			if list := status("GET", "/v1/api-keys", "admin", nil, "", http.StatusOK); !strings.Contains(list, `"revokedAt"`) {
				t.Errorf("the list does not show the key revoked: %s", list)
			}
			audit, err := e.store.Read().Audit(store.AsSystem(ctx, "test"), "apikey", made.ID)
			if err != nil || len(audit) != 2 || audit[0].Action != "apikey.create" || audit[1].Action != "apikey.revoke" {
				t.Errorf("the key's audit trail: %+v (%v); want its creation and its revocation", audit, err)
			}
		})
	}
}
