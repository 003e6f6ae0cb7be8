package inngestapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/inngestapi"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// Inngest's event route over a market on the embedded SQLite store: an SDK's
// send (inngest.send) with a service API key as its event key lands in the
// event log, once per id; an unknown key is refused as Inngest refuses it.
func Example() {
	ctx := store.AsSystem(context.Background(), "example")
	dir, err := os.MkdirTemp("", "inngestapi-example")
	check(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	check(err)
	defer st.Close()
	svc := market.New(st, nil)
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	key, err := svc.CreateAPIKey(ctx, admin, market.CreateAPIKey{Name: "jobs"})
	check(err)

	mux := http.NewServeMux()
	mux.Handle("POST /e/{eventKey}", inngestapi.New(svc, nil).Send())
	send := func(eventKey, body string) {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("POST", "/e/"+eventKey, strings.NewReader(body)))
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	body := `[{"id":"signup-1","name":"app/user.signup","data":{"plan":"pro"}}]`
	send(key.Key, body)
	send(key.Key, body) // the same id again: answered, stored once
	send("mk_nosuch_key", body)

	evs, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "app/user.signup", 10)
	check(err)
	for _, e := range evs {
		fmt.Println(e.ID, e.Name, string(e.Data))
	}
	// Output:
	// 200 {"ids":["signup-1"],"status":200}
	// 200 {"ids":["signup-1"],"status":200}
	// 401 {"error":"Event key not found","status":401}
	// signup-1 app/user.signup {"plan":"pro"}
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
