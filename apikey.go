package mohalla

import (
	"time"
)

// APIKey is a service API key. Its secret is kept only as SecretHash.
type APIKey struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is what the key may do: "service" (act with the service role) or
	// "search" (only search).
	Kind       string     `json:"kind"`
	SecretHash string     `json:"-"`
	CreatedBy  string     `json:"createdBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}
