// Package auth signs and verifies the callers' tokens: HS256 JWTs with
// Supabase-style claims (sub, role, email, exp), turning them into a
// mohalla.Caller.
package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/mohallamart/mohalla"
)

// Signer signs and verifies tokens with one secret. It remembers the tokens
// it verified (see verified), so a client's token is parsed and its signature
// checked once, not at every request.
type Signer struct {
	secret   []byte
	now      func() time.Time // time.Now; a test's clock
	verified verified
}

// NewSigner returns a Signer for secret, which must be at least 32 bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < 32 {
		return nil, errors.New("auth: the JWT secret must be at least 32 bytes")
	}
	return &Signer{secret: secret, now: time.Now}, nil
}

// LoadSecret returns the secret from MOHALLA_JWT_SECRET if set, or else the one
// kept in dataDir/jwt-secret, generating and saving it on first use.
func LoadSecret(dataDir string) ([]byte, error) {
	if s := os.Getenv("MOHALLA_JWT_SECRET"); s != "" {
		return []byte(s), nil
	}
	path := filepath.Join(dataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("auth: read secret: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(raw)
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("auth: data directory: %w", err)
	}
	// O_EXCL: if another process made one meanwhile, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadSecret(dataDir)
	} else if err != nil {
		return nil, fmt.Errorf("auth: save secret: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(secret + "\n"); err != nil {
		return nil, fmt.Errorf("auth: save secret: %w", err)
	}
	return []byte(secret), nil
}

type claims struct {
	Role  string `json:"role"`
	Email string `json:"email,omitempty"`
	jwt.RegisteredClaims
}

// Sign returns a token for c that expires after ttl.
func (s *Signer) Sign(c mohalla.Caller, ttl time.Duration) (string, error) {
	if !c.Role.Valid() {
		return "", fmt.Errorf("auth: role %q is not one of customer, shop_owner, admin, service", c.Role)
	}
	if c.ID == "" {
		return "", errors.New("auth: a token needs a subject")
	}
	now := s.now()
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{Role: string(c.Role), Email: c.Email,
		RegisteredClaims: jwt.RegisteredClaims{Subject: c.ID, IssuedAt: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl))}})
	return t.SignedString(s.secret)
}

// Verify checks a token's signature and expiry and returns its caller. Any
// failure is EUNAUTHENTICATED.
func (s *Signer) Verify(token string) (mohalla.Caller, error) {
	c, _, err := s.VerifyExpiry(token)
	return c, err
}

// VerifyExpiry is Verify that also returns when the token expires (its exp),
// for what lasts as long as the token does, such as a live stream.
func (s *Signer) VerifyExpiry(token string) (mohalla.Caller, time.Time, error) {
	now := s.now()
	if v, ok := s.verified.get(token); ok && now.Before(v.exp.Add(leeway)) {
		return v.caller, v.exp, nil
	}
	var cl claims
	_, err := jwt.ParseWithClaims(token, &cl, func(*jwt.Token) (any, error) { return s.secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return mohalla.Caller{}, time.Time{}, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "invalid token: %v", err)
	}
	c := mohalla.Caller{ID: cl.Subject, Role: mohalla.Role(cl.Role), Email: cl.Email}
	if c.ID == "" || !c.Role.Valid() {
		return mohalla.Caller{}, time.Time{}, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "invalid token: it needs a sub and a role of customer, shop_owner, admin or service")
	}
	s.verified.put(token, verifiedToken{caller: c, exp: cl.ExpiresAt.Time}, now)
	return c, cl.ExpiresAt.Time, nil
}

// leeway is the clock skew allowed in a token's exp (and nbf, iat).
const leeway = 30 * time.Second
