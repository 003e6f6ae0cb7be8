package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
)

// TestVerifyRemembersTokens: a token verified once is answered from memory
// until it expires (with the leeway), then refused like any expired token; a
// token altered by one character is refused however often its original was
// seen; past the memory's bound every token still verifies.
func TestVerifyRemembersTokens(t *testing.T) {
	t.Parallel()
	s, err := NewSigner([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s.now = func() time.Time { return now }
	owner := mohalla.Caller{ID: "owner1", Role: mohalla.RoleShopOwner, Email: "owner1@example.com"}
	tok, err := s.Sign(owner, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		c, exp, err := s.VerifyExpiry(tok)
		if err != nil || c != owner || exp.Unix() != now.Add(time.Minute).Unix() {
			t.Fatalf("VerifyExpiry = %+v, %v, %v; want %+v at %v", c, exp, err, owner, now.Add(time.Minute))
		}
	}
	other, err := NewSigner([]byte(strings.Repeat("x", 32)))
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.Sign(owner, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(forged); !isUnauthenticated(err) {
		t.Errorf("the same claims signed with another secret: %v, want EUNAUTHENTICATED", err)
	}

	now = now.Add(time.Minute + leeway - time.Second)
	if _, err := s.Verify(tok); err != nil {
		t.Errorf("within the leeway after exp: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := s.Verify(tok); !isUnauthenticated(err) {
		t.Errorf("at exp + leeway: %v, want EUNAUTHENTICATED", err)
	}

	for i := range maxVerified + 10 {
		c := mohalla.Caller{ID: fmt.Sprint("user", i), Role: mohalla.RoleCustomer}
		tok, err := s.Sign(c, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Verify(tok); err != nil || got != c {
			t.Fatalf("token %d: %+v, %v", i, got, err)
		}
	}
	if n := len(s.verified.m); n > maxVerified {
		t.Errorf("remembers %d tokens, more than %d", n, maxVerified)
	}
}

func isUnauthenticated(err error) bool {
	var e *mohalla.Error
	return errors.As(err, &e) && e.Code == mohalla.EUNAUTHENTICATED
}
