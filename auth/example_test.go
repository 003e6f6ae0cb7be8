package auth_test

import (
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
)

// A signer makes a caller a JWT and reads the caller back from it; a token
// signed with another secret is refused.
func ExampleSigner() {
	s, err := auth.NewSigner([]byte("an example secret of at least 32 bytes!"))
	if err != nil {
		panic(err)
	}
	token, err := s.Sign(mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer, Email: "asha@example.com"}, time.Hour)
	if err != nil {
		panic(err)
	}
	c, err := s.Verify(token)
	fmt.Println(c.ID, c.Role, c.Email, err)

	other, err := auth.NewSigner([]byte("another secret, also 32 bytes long!!"))
	if err != nil {
		panic(err)
	}
	_, err = other.Verify(token)
	fmt.Println(err != nil)
	// Output:
	// u1 customer asha@example.com <nil>
	// true
}
