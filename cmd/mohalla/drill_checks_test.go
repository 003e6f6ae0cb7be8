package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/mail/mailpittest"
	"github.com/mohallamart/mohalla/syncmon"
)

// The drill's checks after the faults, each against what the load placed.

// orderFunctions are the functions each order/created runs.
var orderFunctions = []string{"send-order-confirmation", "notify-shop-of-order", "analytics-order-created"}

// checkStore: every order the load placed is in the store once, with its
// items, with one order/created event, and each product's stock is its
// initial stock less what was ordered.
func (d *drill) checkStore(db *pgx.Conn, load *drillLoad) {
	t, ctx := d.t, context.Background()
	t.Helper()
	stored := map[string]map[string]int64{}
	scan(t, db, `SELECT order_id, product_id, quantity FROM order_items`, func(r pgx.Rows) error {
		var o, p string
		var q int64
		if err := r.Scan(&o, &p, &q); err != nil {
			return err
		}
		if stored[o] == nil {
			stored[o] = map[string]int64{}
		}
		stored[o][p] += q
		return nil
	})
	ordered := map[string]int64{}
	for id, items := range load.ordered {
		if !maps.Equal(stored[id], items) {
			t.Errorf("order %s: the store holds items %v, the load placed %v", id, stored[id], items)
		}
		for p, q := range items {
			ordered[p] += q
		}
	}
	if len(stored) != len(load.ordered) {
		t.Errorf("the store holds %d orders, the load placed %d", len(stored), len(load.ordered))
	}
	events := 0
	scan(t, db, `SELECT data->>'orderId', count(*) FROM events WHERE name = 'order/created' GROUP BY 1`, func(r pgx.Rows) error {
		var id string
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		if n != 1 || load.ordered[id] == nil {
			t.Errorf("order %s has %d order/created events (placed by the load: %v)", id, n, load.ordered[id] != nil)
		}
		events++
		return nil
	})
	if events != len(load.ordered) {
		t.Errorf("%d orders have an order/created event, want %d", events, len(load.ordered))
	}
	for _, p := range load.products {
		var stock int64
		if err := db.QueryRow(ctx, `SELECT stock FROM products WHERE id = $1`, p).Scan(&stock); err != nil {
			t.Fatal(err)
		}
		if want := drillStock - ordered[p]; stock != want {
			t.Errorf("product %s: stock %d, want %d − %d = %d", p, stock, drillStock, ordered[p], want)
		}
	}
}

// checkRuns waits until every run of the orders' functions has ended, then
// checks that each order's functions completed once, none failed, and
// analytics counted each product's units once.
func (d *drill) checkRuns(db *pgx.Conn, load *drillLoad) {
	t, ctx := d.t, context.Background()
	t.Helper()
	start := time.Now()
	for {
		var open int
		// A run queued as its job alone (a lazy run) has no row until its
		// first attempt writes it: an attempt lost with the database's
		// answer leaves it so until its node re-queues the job.
		err := db.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM function_runs WHERE status NOT IN ('completed', 'failed', 'cancelled') AND function_id = ANY($1)) +
			(SELECT count(*) FROM river_job j WHERE j.kind = 'mohalla_run' AND j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
				AND j.args->>'function_id' = ANY($1) AND NOT EXISTS (SELECT 1 FROM function_runs r WHERE r.id = j.args->>'run_id'))`,
			orderFunctions).Scan(&open)
		if err == nil && open == 0 {
			break
		}
		if time.Since(start) > time.Minute {
			var open []string
			scan(t, db, `SELECT r.function_id || ' ' || r.id || ' ' || r.status || ' attempts ' || r.attempts || ' updated ' || r.updated_at ||
				coalesce(' job ' || j.state || ' attempt ' || j.attempt || ' by ' || array_to_string(j.attempted_by, ',') || ' at ' || j.attempted_at, ' no job')
				FROM function_runs r LEFT JOIN river_job j ON j.args->>'run_id' = r.id
				WHERE r.status NOT IN ('completed', 'failed', 'cancelled')
				UNION ALL SELECT (j.args->>'function_id') || ' ' || (j.args->>'run_id') || ' no row, job ' || j.state || ' attempt ' || j.attempt ||
				' by ' || coalesce(array_to_string(j.attempted_by, ','), 'none') || ' at ' || coalesce(j.attempted_at::text, 'never')
				FROM river_job j WHERE j.kind = 'mohalla_run' AND j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
				AND NOT EXISTS (SELECT 1 FROM function_runs r WHERE r.id = j.args->>'run_id')
				LIMIT 20`, func(r pgx.Rows) error {
				var s string
				open = append(open, s)
				return r.Scan(&open[len(open)-1])
			})
			t.Fatalf("runs of the orders' functions still open a minute after the load stopped:\n%s", strings.Join(open, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	settled := time.Since(start)
	t.Logf("the orders' runs had all ended %v after the load stopped", settled.Round(time.Millisecond))
	scan(t, db, `SELECT function_id, status, count(*), min(error) FROM function_runs GROUP BY 1, 2 ORDER BY 1, 2`, func(r pgx.Rows) error {
		var fn, status, errText string
		var n int
		if err := r.Scan(&fn, &status, &n, &errText); err != nil {
			return err
		}
		switch {
		case status == "failed":
			t.Errorf("%d runs of %s failed, e.g. %s", n, fn, errText)
		case slices.Contains(orderFunctions, fn) && (status != "completed" || n != len(load.ordered)):
			t.Errorf("%s: %d runs %s, want %d completed, one per order", fn, n, status, len(load.ordered))
		}
		return nil
	})
	ordered, orders := map[string]int64{}, map[string]int64{}
	for _, items := range load.ordered {
		for p, q := range items {
			ordered[p] += q
			orders[p]++
		}
	}
	scan(t, db, `SELECT product_id, sum(units), sum(orders) FROM analytics_product_daily GROUP BY 1`, func(r pgx.Rows) error {
		var p string
		var units, n int64
		if err := r.Scan(&p, &units, &n); err != nil {
			return err
		}
		if units != ordered[p] || n != orders[p] {
			t.Errorf("analytics of %s: %d units in %d orders, the load ordered %d in %d", p, units, n, ordered[p], orders[p])
		}
		delete(ordered, p)
		return nil
	})
	if len(ordered) > 0 {
		t.Errorf("analytics counted nothing of %v", slices.Collect(maps.Keys(ordered)))
	}
}

// checkEmails: each order's confirmation reached Mailpit under one
// Message-ID. A worker that dies (or loses the database) after the SMTP
// server accepted an email and before that was recorded sends it again with
// the same Message-ID, which mail clients show once; those resends are
// counted and logged.
func (d *drill) checkEmails(mp *mailpittest.Server, load *drillLoad) {
	t := d.t
	t.Helper()
	ids := map[string]map[string]int{} // order id -> Message-ID -> messages
	var messages []mailpittest.Message
	d.until(time.Minute, "a confirmation email of every order in Mailpit", func() bool {
		messages = mp.List(t)
		clear(ids)
		for _, m := range messages {
			if s := orderSubject.FindStringSubmatch(m.Subject); s != nil {
				if ids[s[1]] == nil {
					ids[s[1]] = map[string]int{}
				}
				ids[s[1]][m.MessageID]++
			}
		}
		return len(ids) >= len(load.ordered)
	})
	resent := 0
	for id := range load.ordered {
		if len(ids[id]) != 1 {
			t.Errorf("order %s: confirmation emails under %d Message-IDs %v, want 1", id, len(ids[id]), ids[id])
		}
		for _, n := range ids[id] {
			resent += n - 1
		}
		delete(ids, id)
	}
	if len(ids) > 0 {
		t.Errorf("confirmation emails of orders the load never placed: %v", slices.Collect(maps.Keys(ids)))
	}
	t.Logf("emails: %d messages in Mailpit, every order's confirmation once by Message-ID; %d resent under the same Message-ID",
		len(messages), resent)
}

// checkSync waits until the node's search follower has caught up with the log,
// then runs its sync check, which must find nothing: no document missing,
// extra or stale, no stale cache entry, no lagging follower, no failed or
// stuck run.
func (d *drill) checkSync(node int) {
	t := d.t
	t.Helper()
	d.until(time.Minute, fmt.Sprintf("node %d's search follower caught up", node), func() bool {
		var s struct {
			Lag *int64 `json:"lag"`
		}
		r := d.readyz(node)
		return r.Components["search"].Status == "ok" && json.Unmarshal(r.Components["search"].Detail, &s) == nil &&
			s.Lag != nil && *s.Lag == 0
	})
	var res struct {
		Findings syncmon.Findings `json:"findings"`
	}
	d.call(node, "POST", "/v1/sync/check", d.admin, "", 200, &res)
	if res.Findings.Drift() || len(res.Findings.Errors) > 0 {
		b, _ := json.Marshal(res.Findings)
		t.Errorf("node %d's sync check found drift: %s", node, b)
	}
}

// scan runs a query and calls each for every row.
func scan(t interface{ Fatal(...any) }, db *pgx.Conn, sql string, each func(pgx.Rows) error) {
	rs, err := db.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := each(rs); err != nil {
			t.Fatal(err)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
}
