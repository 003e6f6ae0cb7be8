package market

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// APIKeyPrefix starts every service API key: "mk_<id>_<secret>". A bearer
// token that starts with it is a key, not a JWT.
const APIKeyPrefix = "mk_"

// The kinds of API key.
const (
	// KeyService acts with the service role, wherever it is presented.
	KeyService = "service"
	// KeySearch may only search, through the Typesense-compatible API (a
	// Typesense "search-only" key, safe to ship in a web page).
	KeySearch = "search"
)

// CreateAPIKey is the input of Service.CreateAPIKey.
type CreateAPIKey struct {
	Name string `json:"name" rule:"keyName"` // what the key is for, such as "delivery-partner"
	// Kind is KeyService (the default) or KeySearch.
	Kind string `json:"kind,omitempty"`
}

// NewAPIKey is a key just made: Key is its only copy, shown this once.
type NewAPIKey struct {
	mohalla.APIKey
	Key string `json:"key"`
}

// CreateAPIKey makes an API key: a caller presenting a service key acts with
// the service role, as "apikey-<id>"; a search key only searches. Only an
// admin may; it is audited.
func (s *Service) CreateAPIKey(ctx context.Context, c mohalla.Caller, in CreateAPIKey) (NewAPIKey, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authManageAPIKeys(c); err != nil {
		return NewAPIKey{}, err
	}
	var v mohalla.Invalid
	checkText(&v, "name", in.Name, "keyName")
	kind := cmp.Or(in.Kind, KeyService)
	if kind != KeyService && kind != KeySearch {
		v.Add("kind", "must be %s or %s", KeyService, KeySearch)
	}
	if err := v.Err(); err != nil {
		return NewAPIKey{}, err
	}
	id, secret := make([]byte, 8), make([]byte, 32)
	_, _ = rand.Read(id) // crypto/rand never fails
	_, _ = rand.Read(secret)
	k := NewAPIKey{APIKey: mohalla.APIKey{ID: hex.EncodeToString(id), Name: strings.TrimSpace(in.Name), Kind: kind,
		CreatedBy: c.ID, CreatedAt: s.cfg.Now().UTC()}}
	plain := base64.RawURLEncoding.EncodeToString(secret)
	k.SecretHash = secretHash(plain)
	k.Key = APIKeyPrefix + k.ID + "_" + plain
	err := s.store.InEventTx(store.WithOperation(ctx, "create_api_key"), func(tx *store.Tx) error {
		if err := tx.InsertAPIKey(ctx, k.APIKey); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: k.CreatedAt, Actor: mohalla.ActorOf(c), Action: mohalla.AuditAPIKeyCreate,
			Entity: "apikey", EntityID: k.ID, After: map[string]string{"name": k.Name, "kind": k.Kind}})
	})
	if err != nil {
		return NewAPIKey{}, s.internal(ctx, err)
	}
	return k, nil
}

// RevokeAPIKey stops key id from working, at once. Only an admin may; it is
// audited. Revoking a revoked key is a no-op.
func (s *Service) RevokeAPIKey(ctx context.Context, c mohalla.Caller, id string) error {
	ctx = store.WithCaller(ctx, c)
	if err := authManageAPIKeys(c); err != nil {
		return err
	}
	err := s.store.InEventTx(store.WithOperation(ctx, "revoke_api_key"), func(tx *store.Tx) error {
		k, err := tx.APIKey(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return mohalla.Errorf(mohalla.ENOTFOUND, "API key %q not found", id)
		} else if err != nil {
			return err
		}
		now := s.cfg.Now().UTC()
		revoked, err := tx.RevokeAPIKey(ctx, id, now)
		if err != nil || !revoked {
			return err
		}
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: now, Actor: mohalla.ActorOf(c), Action: mohalla.AuditAPIKeyRevoke,
			Entity: "apikey", EntityID: id, Before: map[string]any{"name": k.Name, "kind": k.Kind, "revokedAt": nil},
			After: map[string]any{"revokedAt": now}})
	})
	if err != nil {
		return s.internal(ctx, err)
	}
	return nil
}

// APIKeys lists the keys, newest first, without their secrets, to an admin.
func (s *Service) APIKeys(ctx context.Context, c mohalla.Caller) (mohalla.Page[mohalla.APIKey], error) {
	ctx = store.WithCaller(ctx, c)
	if err := authManageAPIKeys(c); err != nil {
		return mohalla.Page[mohalla.APIKey]{}, err
	}
	ks, err := s.store.Read().APIKeys(ctx)
	if err != nil {
		return mohalla.Page[mohalla.APIKey]{}, s.internal(ctx, err)
	}
	return mohalla.Page[mohalla.APIKey]{Items: ks}, nil
}

// VerifyAPIKey returns the caller of a service API key: EUNAUTHENTICATED for
// a malformed, unknown or revoked key, or a wrong secret, and EFORBIDDEN for
// a search key, which only searches.
func (s *Service) VerifyAPIKey(ctx context.Context, key string) (mohalla.Caller, error) {
	k, err := s.apiKey(ctx, key)
	if err != nil {
		return mohalla.Caller{}, err
	}
	if k.Kind != KeyService {
		return mohalla.Caller{}, mohalla.Errorf(mohalla.EFORBIDDEN, "a search key may only search, through the Typesense API")
	}
	return mohalla.Caller{ID: mohalla.APIKeyCallerPrefix + k.ID, Role: mohalla.RoleService}, nil
}

// VerifySearchKey returns the caller of an API key of either kind presented
// to search: a service key's, or for a search key an anonymous caller, who
// may search and nothing more. Its errors are VerifyAPIKey's, bar EFORBIDDEN.
func (s *Service) VerifySearchKey(ctx context.Context, key string) (mohalla.Caller, error) {
	k, err := s.apiKey(ctx, key)
	if err != nil {
		return mohalla.Caller{}, err
	}
	if k.Kind == KeySearch {
		return mohalla.Caller{ID: mohalla.APIKeyCallerPrefix + k.ID, Role: mohalla.RoleAnonymous}, nil
	}
	return mohalla.Caller{ID: mohalla.APIKeyCallerPrefix + k.ID, Role: mohalla.RoleService}, nil
}

// apiKey returns the live key whose secret key is: EUNAUTHENTICATED for a
// malformed, unknown or revoked key, or a wrong secret.
func (s *Service) apiKey(ctx context.Context, key string) (mohalla.APIKey, error) {
	// No caller is known yet: the key is what will tell.
	ctx = store.AsSystem(ctx, "auth")
	bad := mohalla.Errorf(mohalla.EUNAUTHENTICATED, "invalid API key")
	id, secret, ok := strings.Cut(strings.TrimPrefix(key, APIKeyPrefix), "_")
	if !ok || !strings.HasPrefix(key, APIKeyPrefix) || len(id) != 16 || secret == "" {
		return mohalla.APIKey{}, bad
	}
	k, err := s.store.Read().APIKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return mohalla.APIKey{}, bad
	} else if err != nil {
		return mohalla.APIKey{}, s.internal(ctx, err)
	}
	if subtle.ConstantTimeCompare([]byte(secretHash(secret)), []byte(k.SecretHash)) != 1 || k.RevokedAt != nil {
		return mohalla.APIKey{}, bad
	}
	return k, nil
}

func secretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
