package logthrottle_test

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mohallamart/mohalla/logthrottle"
)

// A library that logs the same failure at every attempt (a database that is
// down) is let through once per window; another message passes, and the
// handler counts what it left out (a metric shows it).
func ExampleNew() {
	plain := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // for a stable output
			}
			return a
		},
	})
	h := logthrottle.New(plain, "pgx", time.Hour)
	log := slog.New(h)
	for range 3 {
		log.Warn("database connection failed")
	}
	log.Warn("another message")
	fmt.Println("suppressed", h.Suppressed())
	// Output:
	// level=WARN msg="database connection failed" source=pgx
	// level=WARN msg="another message" source=pgx
	// suppressed 2
}
