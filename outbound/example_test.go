package outbound_test

import (
	"fmt"

	"github.com/mohallamart/mohalla/outbound"
)

// A URL is checked when it is registered; the client from NewClient checks it
// again, and every address it dials, when it sends.
func ExampleCheckURL() {
	for _, raw := range []string{
		"https://hooks.shop.example/orders",
		"http://hooks.shop.example/orders",
		"https://169.254.169.254/latest/meta-data/",
		"https://0x7f000001/",
		"https://user:secret@hooks.shop.example/",
	} {
		if err := outbound.CheckURL(raw, false); err != nil {
			fmt.Println("refused:", err)
		} else {
			fmt.Println("allowed:", raw)
		}
	}
	// Output:
	// allowed: https://hooks.shop.example/orders
	// refused: must use https
	// refused: must not point at a link-local address (169.254.169.254)
	// refused: must not write an address as "0x7f000001" (it reads as 127.0.0.1)
	// refused: must not contain a user name or password
}
