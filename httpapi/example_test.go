package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// The server on an embedded SQLite store. Errors are problem+json, with the
// data layer's code.
func Example() {
	dir, err := os.MkdirTemp("", "httpapi-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(context.Background(), store.Config{DataDir: dir})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	signer, err := auth.NewSigner([]byte(strings.Repeat("s", 32)))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(httpapi.New(market.New(st, nil), signer, nil))
	defer srv.Close()

	res, err := http.Get(srv.URL + "/v1/products/basmati")
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, res.Header.Get("Content-Type"))
	fmt.Println(string(body))
	// Output:
	// 404 application/problem+json
	// {"code":"not_found","detail":"product \"basmati\" not found","status":404,"title":"Not Found","type":"about:blank"}
}
