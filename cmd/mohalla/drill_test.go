package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/mail/mailpittest"
	"github.com/mohallamart/mohalla/store/storetest"
)

// drillStock is each product's stock at the start: far more than the drill
// orders, so no order is refused for want of stock.
const drillStock = 1_000_000

// TestDrill is the fault drill: three mohalla serve processes on one fresh
// PostgreSQL database (reached through a proxy the test cuts) and a Redis of
// the test's own, sending email to Mailpit, under a steady load of orders
// through the HTTP API. One node is killed with SIGKILL and started again;
// PostgreSQL is cut off from every node and restored; Redis is killed and
// started again, empty. Then every order the load made was acknowledged and
// is in the store exactly once, each product's stock is its initial stock
// less what was ordered, each order's functions ran once in effect (one
// confirmation email, by its Message-ID, and its units counted once in
// analytics), every node's sync check finds nothing, and every node served
// again within 10 s of each fault's end, the killed one after its restart
// and the others without one. It logs the recovery times.
func TestDrill(t *testing.T) {
	bin := buildBinary(t)
	dbURL := storetest.NewDatabase(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.Addr()
	nodeDB := storetest.PoolURL(u.String()) // see storetest.MaxConns
	redis := startRedis(t)
	mp, err := mailpittest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mp.Stop)
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	signer, err := auth.NewSigner([]byte(hex.EncodeToString(secret)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "MOHALLA_JWT_SECRET=" + hex.EncodeToString(secret)}
	nodes := make([]*serveProc, 3)
	for i := range nodes {
		nodes[i] = &serveProc{name: fmt.Sprintf("node %d", i), bin: bin, addr: freeAddr(t), env: env,
			logPath: filepath.Join(dir, fmt.Sprintf("node%d.log", i)),
			args: []string{"--data", filepath.Join(dir, fmt.Sprintf("data%d", i)), "--db", nodeDB, "--redis", redis.URL(),
				"--smtp", mp.SMTPURL, "--log-format", "json", "--limit-read", "off", "--limit-write", "off",
				"--limit-search", "off", "--limit-live", "off"}}
		nodes[i].Start(t)
		t.Cleanup(nodes[i].Kill)
	}
	d := &drill{t: t, nodes: nodes, signer: signer, client: &http.Client{Timeout: 10 * time.Second}, dbURL: dbURL}
	d.admin = d.token(mohalla.Caller{ID: "drill-admin", Role: mohalla.RoleAdmin})
	load := d.seed()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	load.run(ctx, 4)
	start := time.Now()
	for i := range nodes {
		load.servedAfter(t, i, start, 30*time.Second)
	}
	pids := []int{nodes[0].Pid(), nodes[2].Pid()}

	d.killAndRestart(load, 1)
	d.cutPostgres(load, proxy)
	d.stopRedis(load, redis)

	load.Stop()
	if len(load.wrong) > 0 {
		t.Fatalf("%d orders were refused, which no fault explains; the first: %s", len(load.wrong), load.wrong[0])
	}
	for i, n := range []*serveProc{nodes[0], nodes[2]} {
		if !n.Alive() || n.Pid() != pids[i] {
			t.Errorf("%s was restarted or died during the drill; its log:\n%s", n.name, n.Log())
		}
	}
	t.Logf("load: %d orders, all acknowledged, %d requests retried on another node", len(load.ordered), load.retries)

	db, err := pgx.Connect(context.Background(), dbURL) // directly, not through the proxy
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	d.checkStore(db, load)
	d.checkRuns(db, load)
	d.checkEmails(mp, load)
	for i := range nodes {
		d.checkSync(i)
	}
	orphans := 0
	for _, n := range nodes {
		b, _ := os.ReadFile(n.logPath)
		orphans += strings.Count(string(b), "which no worker executed, were re-queued")
	}
	t.Logf("recovery, the slowest node after each fault: %s; nodes re-queued attempts no worker executed %d times",
		strings.Join(d.recovery, "; "), orphans)
}

// drill holds what the drill's steps share.
type drill struct {
	t      *testing.T
	nodes  []*serveProc
	signer *auth.Signer
	client *http.Client
	admin  string
	dbURL  string // the database, directly rather than through the proxy

	recovery []string // each fault's slowest recovery, for the summary
}

func (d *drill) token(c mohalla.Caller) string {
	tok, err := d.signer.Sign(c, time.Hour)
	if err != nil {
		d.t.Fatal(err)
	}
	return tok
}

// call sends a request with a token and decodes the answer into out, failing
// the test on any status but want.
func (d *drill) call(node int, method, path, token, body string, want int, out any) {
	d.t.Helper()
	req, _ := http.NewRequest(method, d.nodes[node].URL()+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	if resp.StatusCode != want {
		d.t.Fatalf("%s %s on node %d: %d %s, want %d", method, path, node, resp.StatusCode, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			d.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// seed makes a shop with ten products and eight customers, and the load that
// orders from them.
func (d *drill) seed() *drillLoad {
	l := &drillLoad{nodes: d.nodes, client: &http.Client{Timeout: 10 * time.Second}, pace: 100 * time.Millisecond}
	d.call(0, "POST", "/v1/users", d.admin, `{"id":"drill-owner","email":"owner@drill.example","name":"Owner"}`, 201, nil)
	d.call(0, "POST", "/v1/shops", d.admin, `{"id":"drill-shop","name":"Drill Stores","ownerId":"drill-owner",
		"location":{"lat":19.06,"lng":72.83},"pincode":"400050"}`, 201, nil)
	for i := range 10 {
		id := fmt.Sprintf("drill-product-%d", i)
		d.call(i%3, "POST", "/v1/products", d.admin, fmt.Sprintf(`{"id":%q,"name":"Basmati rice %d","price":%d,
			"category":"grains","shopId":"drill-shop","stock":%d}`, id, i, 40+i, drillStock), 201, nil)
		l.products = append(l.products, id)
	}
	for i := range 8 {
		c := mohalla.Caller{ID: fmt.Sprintf("drill-customer-%d", i), Role: mohalla.RoleCustomer, Email: fmt.Sprintf("customer%d@drill.example", i)}
		d.call(i%3, "POST", "/v1/users", d.admin, fmt.Sprintf(`{"id":%q,"email":%q,"name":"Customer %d"}`, c.ID, c.Email, i), 201, nil)
		l.customers = append(l.customers, drillCustomer{id: c.ID, token: d.token(c)})
	}
	return l
}

// readiness is a node's /readyz.
type readiness struct {
	code       int
	Status     string `json:"status"`
	Components map[string]struct {
		Status string          `json:"status"`
		Detail json.RawMessage `json:"detail"`
	} `json:"components"`
}

func (d *drill) readyz(node int) readiness {
	var r readiness
	resp, err := d.client.Get(d.nodes[node].URL() + "/readyz")
	if err != nil {
		return r
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(&r)
	r.code = resp.StatusCode
	return r
}

// until waits for cond, checking every 20 ms, and returns how long it took;
// it fails the test with what past deadline.
func (d *drill) until(deadline time.Duration, what string, cond func() bool) time.Duration {
	d.t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > deadline {
			d.t.Fatalf("%s: not within %v", what, deadline)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// hold lets a fault last at least d since it began, so the load meets it.
func hold(since time.Time, d time.Duration) { time.Sleep(time.Until(since.Add(d))) }

var orderSubject = regexp.MustCompile(`^Order (\S+) received`)
