package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
)

// recoveryDeadline is how soon after a fault ends every node must serve again.
const recoveryDeadline = 10 * time.Second

// killAndRestart kills a node with SIGKILL in the middle of the load and
// starts it again at once on the same data directory. The others go on
// serving; the restarted one serves within recoveryDeadline of its restart;
// the runs the dead node was executing are re-queued by a live node when its
// heartbeat is NodeDeadAfter (5 s) old.
func (d *drill) killAndRestart(load *drillLoad, victim int) {
	t := d.t
	t.Helper()
	var engine struct {
		Node string `json:"node"`
	}
	if err := json.Unmarshal(d.readyz(victim).Components["engine"].Detail, &engine); err != nil || engine.Node == "" {
		t.Fatalf("node %d's /readyz names no engine node: %v", victim, err)
	}
	killed := time.Now()
	d.nodes[victim].Kill()
	restart := time.Now()
	d.nodes[victim].Start(t)
	listening := time.Since(restart)
	served := load.servedAfter(t, victim, restart, 30*time.Second)
	if served > recoveryDeadline {
		t.Errorf("the killed node served %v after its restart, want within %v", served, recoveryDeadline)
	}
	for i := range d.nodes {
		if i != victim && load.acked(i, killed, time.Now()) == 0 {
			t.Errorf("node %d acknowledged no order while node %d was down and restarting", i, victim)
		}
	}
	// The dead node's heartbeat row goes once a live node re-queued its runs.
	db, err := pgx.Connect(context.Background(), d.dbURL) // directly, not through the proxy
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	d.until(60*time.Second, "the killed node's runs re-queued", func() bool {
		var rows, running int
		err := db.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM engine_nodes WHERE id = $1),
			(SELECT count(*) FROM river_job WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = $1)`,
			engine.Node).Scan(&rows, &running)
		return err == nil && rows == 0 && running == 0
	})
	rescued := time.Since(killed)
	t.Logf("SIGKILL: node %d listened %v after its restart and acknowledged an order %v after it; "+
		"the dead node's runs were re-queued %v after the kill; the other nodes served throughout",
		victim, listening.Round(time.Millisecond), served.Round(time.Millisecond), rescued.Round(time.Millisecond))
	d.recovery = append(d.recovery, "SIGKILL: restarted node served "+served.Round(time.Millisecond).String()+
		" after its restart, runs re-queued "+rescued.Round(time.Millisecond).String()+" after the kill")
}

// cutPostgres cuts every node off PostgreSQL for at least 3 s, until each
// node's /readyz says 503 (its store is down), then restores it: every node
// must serve again within recoveryDeadline, without a restart.
func (d *drill) cutPostgres(load *drillLoad, proxy *pgProxy) {
	t := d.t
	t.Helper()
	cut := time.Now()
	proxy.Cut()
	for i := range d.nodes {
		d.until(30*time.Second, "a node's /readyz saying 503 with PostgreSQL cut", func() bool { return d.readyz(i).code == http.StatusServiceUnavailable })
	}
	hold(cut, 3*time.Second)
	restored := time.Now()
	proxy.Restore()
	var worst time.Duration
	for i := range d.nodes {
		served := load.servedAfter(t, i, restored, 30*time.Second)
		if served > recoveryDeadline {
			t.Errorf("node %d served %v after PostgreSQL came back, want within %v", i, served, recoveryDeadline)
		}
		worst = max(worst, served)
		t.Logf("PostgreSQL cut for %v: node %d acknowledged an order %v after it came back", restored.Sub(cut).Round(time.Millisecond),
			i, served.Round(time.Millisecond))
	}
	d.recovery = append(d.recovery, "PostgreSQL cut: "+worst.Round(time.Millisecond).String())
}

// stopRedis kills the test's Redis for at least 3 s, during which every node
// must still acknowledge orders (the cache and the rate limits fail open) and
// report redis down in /readyz, then starts it again, empty: every node must
// report it ok and serve within recoveryDeadline.
func (d *drill) stopRedis(load *drillLoad, redis *redisServer) {
	t := d.t
	t.Helper()
	stopped := time.Now()
	redis.Stop()
	for i := range d.nodes {
		d.until(30*time.Second, "a node's /readyz saying redis is down", func() bool {
			r := d.readyz(i)
			return r.code == http.StatusOK && r.Status == "degraded" && r.Components["redis"].Status == "down"
		})
		during := load.servedAfter(t, i, stopped, 30*time.Second)
		t.Logf("Redis down: node %d acknowledged an order %v after Redis stopped", i, during.Round(time.Millisecond))
	}
	hold(stopped, 3*time.Second)
	started := time.Now()
	redis.Start(t)
	up := time.Since(started)
	var worst time.Duration
	for i := range d.nodes {
		d.until(30*time.Second, "a node's /readyz saying redis and the cache are ok again", func() bool {
			r := d.readyz(i)
			return r.Components["redis"].Status == "ok" && r.Components["cache"].Status == "ok"
		})
		ok := time.Since(started) - up
		served := load.servedAfter(t, i, started.Add(up), 30*time.Second)
		if ok > recoveryDeadline || served > recoveryDeadline {
			t.Errorf("node %d: cache ok %v and an order %v after Redis came back, want both within %v", i, ok, served, recoveryDeadline)
		}
		worst = max(worst, ok, served)
		t.Logf("Redis back after %v: node %d's cache ok %v later, an order acknowledged %v later", started.Add(up).Sub(stopped).Round(time.Millisecond),
			i, ok.Round(time.Millisecond), served.Round(time.Millisecond))
	}
	d.recovery = append(d.recovery, "Redis restart: "+worst.Round(time.Millisecond).String())
}
