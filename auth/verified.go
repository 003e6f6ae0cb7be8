package auth

import (
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
)

// maxVerified bounds the tokens a Signer remembers: about a megabyte.
const maxVerified = 4096

// verified remembers tokens whose signature and claims were checked, with
// their caller and expiry. A token is its own key: the same text is the same
// signed claims, so it needs no second check, only its expiry's (the one
// claim that changes its answer with time). A token never verified, or
// forgotten, is parsed and checked in full. Parsing a token and checking its
// HMAC was about a tenth of a stock change's CPU, for a client that sends the
// same token with every request.
type verified struct {
	mu sync.Mutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	caller mohalla.Caller
	exp    time.Time
}

func (v *verified) get(token string) (verifiedToken, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.m[token]
	return t, ok
}

// put remembers token; when full, it first forgets the tokens expired at
// now and then, if need be, arbitrary ones (map order), so that it keeps no
// order per request.
func (v *verified) put(token string, t verifiedToken, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = make(map[string]verifiedToken)
	}
	if len(v.m) >= maxVerified {
		for k, old := range v.m {
			if !now.Before(old.exp.Add(leeway)) {
				delete(v.m, k)
			}
		}
		for k := range v.m {
			if len(v.m) < maxVerified {
				break
			}
			delete(v.m, k)
		}
	}
	v.m[token] = t
}
