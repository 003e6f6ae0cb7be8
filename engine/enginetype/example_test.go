package enginetype_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
)

// A run's JSON is what the API serves for it: camelCase keys, with the keys
// of what the run has not done yet (started, ended, output) left out.
func ExampleRunRow() {
	at := time.Date(2026, 12, 5, 10, 30, 0, 0, time.UTC)
	r := enginetype.RunRow{ID: "run-1", FunctionID: "order-confirmation", IdempotencyKey: "ev-1",
		EventID: "ev-1", Status: enginetype.RunQueued, CreatedAt: at, UpdatedAt: at}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	// Output:
	// {"id":"run-1","functionId":"order-confirmation","idempotencyKey":"ev-1","eventId":"ev-1","status":"queued","attempts":0,"createdAt":"2026-12-05T10:30:00Z","updatedAt":"2026-12-05T10:30:00Z"}
}
