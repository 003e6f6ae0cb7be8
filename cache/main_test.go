package cache_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

var (
	ctx   = store.AsProjection(context.Background(), "test") // the tests read the store raw, as a projection
	admin = mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
)

// redisURL is the machine's Redis, which tests share under prefixes of their own.
const redisURL = "redis://127.0.0.1:6379/0"

// newRedis returns a cache on url under a prefix no other test uses, whose keys
// are deleted when the test ends.
func newRedis(t *testing.T, url string, cfg cache.RedisConfig) *cache.Redis {
	t.Helper()
	cfg.URL = url
	if cfg.Prefix == "" {
		cfg.Prefix = newPrefix()
	}
	if cfg.Timeout == 0 {
		// The 50ms default counts a slow answer as an outage; on a test machine
		// loaded by parallel packages that would make the cache go down at random.
		// The outage test sets its own.
		cfg.Timeout = 2 * time.Second
	}
	c, err := cache.NewRedis(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		opt, _ := redis.ParseURL(url)
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		keys, _ := rdb.Keys(ctx, cfg.Prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return c
}

// newPrefix returns a key prefix no other test uses.
func newPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "mohalla-test:" + hex.EncodeToString(b) + ":"
}

// backends names the caches every semantic test runs on.
var backends = []string{"memory", "redis"}

func newCache(t *testing.T, backend string) cache.Cache {
	t.Helper()
	if backend == "memory" {
		return cache.NewMemory(nil)
	}
	return newRedis(t, redisURL, cache.RedisConfig{})
}

// redisServer is a redis-server of the test's own, which it may stop and start.
type redisServer struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &redisServer{t: t, port: port}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

func (s *redisServer) start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", fmt.Sprint(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on port %d did not start: %v", s.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server, as a crash would.
func (s *redisServer) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// client returns a plain client of the server, for the test to act on it.
func (s *redisServer) client() *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.port)})
	s.t.Cleanup(func() { rdb.Close() })
	return rdb
}

// world is a store with a shop, its owner, a customer and products, and a
// market service on it that uses a cache.
type world struct {
	st    *store.Store
	svc   *market.Service
	owner mohalla.Caller
	buyer mohalla.Caller
	shop  string
}

func newWorld(t *testing.T, st *store.Store, c cache.Cache) *world {
	t.Helper()
	w := &world{st: st, svc: market.New(st, &market.Config{Cache: c}), shop: "shop1",
		owner: mohalla.Caller{ID: "olga", Role: mohalla.RoleShopOwner},
		buyer: mohalla.Caller{ID: "bina", Role: mohalla.RoleCustomer}}
	for _, u := range []mohalla.Caller{w.owner, w.buyer} {
		if _, err := w.svc.CreateUser(ctx, admin, market.CreateUser{ID: u.ID, Email: u.ID + "@example.com", Name: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.CreateShop(ctx, w.owner, market.CreateShop{ID: w.shop, Name: "Kirana", OwnerID: w.owner.ID,
		Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400001"}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) product(t *testing.T, id string, stock int64) mohalla.Product {
	t.Helper()
	price := mohalla.Money(2500)
	p, err := w.svc.CreateProduct(ctx, w.owner, market.CreateProduct{ID: id, Name: "Atta " + id, Price: &price,
		Category: "staples", ShopID: w.shop, Stock: &stock})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) order(t *testing.T, items ...market.OrderLine) mohalla.Order {
	t.Helper()
	o, err := w.svc.CreateOrder(ctx, w.buyer, market.CreateOrder{UserID: w.buyer.ID, Items: items,
		DeliveryAddress: mohalla.Address{Street: "1 MG Road", City: "Mumbai", Pincode: "400001", State: "Maharashtra"}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (w *world) addStock(t *testing.T, id string, delta int64) mohalla.Product {
	t.Helper()
	p, err := w.svc.ChangeStock(ctx, w.owner, id, market.ChangeStock{Delta: delta})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stored reads product id from the store itself.
func stored(t *testing.T, st *store.Store, id string) mohalla.Product {
	t.Helper()
	p, err := st.Read().Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// held returns the version c holds for product id, 0 if none.
func held(c cache.Cache, id string) int64 {
	e, ok := c.Get(ctx, cache.Key{Kind: cache.Product, ID: id})
	if !ok {
		return 0
	}
	return e.Version
}
