package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/internal/cli"
)

// TestServeDevelopmentSwitchForWebhooks: only --allow-private-webhooks or
// MOHALLA_ALLOW_PRIVATE_WEBHOOKS=1 lets a webhook point at a local address.
// The URL is checked before the shop is looked up, so with the switch an
// unknown shop is 404 and without it the URL is 422.
func TestServeDevelopmentSwitchForWebhooks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		flags  []string
		env    string
		status int
	}{
		{name: "off", status: http.StatusUnprocessableEntity},
		{name: "environment", env: "1", status: http.StatusNotFound},
		{name: "flag", flags: []string{"--allow-private-webhooks"}, status: http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			outR, outW := io.Pipe()
			var errs bytes.Buffer
			getenv := func(k string) string {
				if k == "MOHALLA_ALLOW_PRIVATE_WEBHOOKS" {
					return tc.env
				}
				return ""
			}
			c := cli.New(&cli.Config{Stdout: outW, Stderr: &errs, Getenv: getenv})
			done := make(chan int, 1)
			data := t.TempDir()
			go func() {
				done <- c.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, tc.flags...))
				outW.Close()
			}()
			defer func() { cancel(); <-done }()
			line, err := bufio.NewReader(outR).ReadString('\n')
			if err != nil {
				t.Fatalf("serve printed no URL: %v; stderr:\n%s", err, errs.String())
			}
			go io.Copy(io.Discard, outR) //nolint:errcheck
			fields := strings.Fields(line)
			if len(fields) < 4 {
				t.Fatalf("serve printed %q, want its URL", line)
			}
			// Stopping a server while it builds its first search index of an
			// empty store panics in Bleve's builder: wait for the index.
			for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				resp, err := http.Get(fields[3] + "/v1/search/products")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						break
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("the search index was not ready within 15s: %v", err)
				}
			}
			_, token, _ := run(t, "token", "--sub", "root", "--role", "admin", "--data", data)
			req, _ := http.NewRequest("PUT", fields[3]+"/v1/shops/no-such-shop/webhook",
				strings.NewReader(`{"url":"http://127.0.0.1:9/hook","secret":"0123456789abcdef"}`))
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("PUT a local webhook: %s %s; want %d", resp.Status, body, tc.status)
			}
			if warned := strings.Contains(errs.String(), "for development only"); warned != (tc.status == http.StatusNotFound) {
				t.Errorf("serve warned of the switch: %v; stderr:\n%s", warned, errs.String())
			}
		})
	}
}
