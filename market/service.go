// Package market is the marketplace's operations: each validates its input,
// authorizes its caller, and writes its rows, its events and its audit rows in one
// transaction. It is the Go package behind the HTTP API; in-process callers use it
// directly and get the same rules.
//
// The seed's workflows are operations here, not orchestration: user registration
// is Service.CreateUser and order creation is Service.CreateOrder. Each is one
// transaction whose event (user/created, order/created) queues, in that same
// transaction, the functions that follow it: the welcome email and analytics;
// the confirmation email, the shop's notification, inventory alerts and
// analytics. engine.Engine.Subscribers names them.
package market

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/store"
	"github.com/oklog/ulid/v2"
)

// Config configures a Service. The zero value is ready to use.
type Config struct {
	Logger *slog.Logger
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// OnEvents is called inside the write transaction with the events it stored,
	// before the commit; an error rolls the write back. The functions engine uses it
	// to enqueue runs in the same transaction.
	OnEvents func(ctx context.Context, tx *store.Tx, events []mohalla.Event) error
	// AfterCommit is called after a write committed, with its events.
	AfterCommit func(ctx context.Context, events []mohalla.Event)
	// Cache, if set, serves the reads of a product, shop, user or order, and is
	// invalidated after each commit. Default: none, every read goes to the store.
	Cache cache.Cache
	// AllowPrivateWebhooks is the development switch (serve
	// --allow-private-webhooks): webhook URLs may be http:// and point at
	// loopback or private addresses. Never in production. Default false:
	// outbound.CheckURL's rules.
	AllowPrivateWebhooks bool
}

// Service runs the marketplace operations on a store.
type Service struct {
	store *store.Store
	cfg   Config
	log   *slog.Logger
}

// New returns a Service on st.
func New(st *store.Store, cfg *Config) *Service {
	if cfg == nil {
		cfg = &Config{}
	}
	c := *cfg
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Service{store: st, cfg: c, log: c.Logger}
}

// Store returns the store the service writes to.
func (s *Service) Store() *store.Store { return s.store }

// change is the state of one write: its transaction and the events it will append.
type change struct {
	tx     *store.Tx
	caller mohalla.Caller
	now    time.Time
	events []mohalla.Event
	audits []mohalla.AuditEntry
}

// emit queues an event to append when the write's function returns.
func (c *change) emit(name string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("event %s: %w", name, err)
	}
	caller := c.caller
	c.events = append(c.events, mohalla.Event{
		ID: newID(), Name: name, Data: b, User: &caller, TS: c.now.UnixMilli(), V: mohalla.EventVersion,
	})
	return nil
}

// errRaced reports that a concurrent create with the same key committed first; the
// write runs again and then finds its result.
var errRaced = errors.New("market: concurrent create with the same key")

// write runs fn in one transaction, appends the events it emitted and commits.
// It runs fn again, in a new transaction, when fn reports a concurrent create
// with the same key (errRaced) or a key its optimistic claim found taken
// (store.ErrClaimed), up to three times.
func (s *Service) write(ctx context.Context, caller mohalla.Caller, op string, fn func(ctx context.Context, c *change) error) error {
	ctx = store.WithCaller(store.WithOperation(ctx, op), caller)
	var events []mohalla.Event
	var err error
	for range 3 {
		err = s.store.InEventTx(ctx, func(tx *store.Tx) error {
			c := &change{tx: tx, caller: caller, now: s.cfg.Now().UTC().Truncate(time.Microsecond)}
			if err := fn(ctx, c); err != nil {
				return err
			}
			// The audit rows first: on PostgreSQL their insert goes in one
			// round trip with the events' (store.Tx.InsertAudits).
			if err := tx.InsertAudits(ctx, c.audits); err != nil {
				return err
			}
			stored, err := tx.AppendEvents(ctx, c.events)
			if err != nil {
				return fmt.Errorf("append events: %w", err)
			}
			if s.cfg.OnEvents != nil && len(stored) > 0 {
				if err := s.cfg.OnEvents(ctx, tx, stored); err != nil {
					return err
				}
			}
			events = stored
			return nil
		})
		if !errors.Is(err, errRaced) && !errors.Is(err, store.ErrClaimed) {
			break
		}
	}
	if errors.Is(err, errRaced) || errors.Is(err, store.ErrClaimed) {
		return mohalla.Errorf(mohalla.ECONFLICT, "a concurrent request created the same resource")
	}
	if err != nil {
		return s.internal(ctx, err)
	}
	if len(events) > 0 {
		s.log.DebugContext(ctx, "committed", slog.String("caller", caller.ID), slog.Int("events", len(events)), slog.String("first", events[0].Name))
		if s.cfg.Cache != nil {
			// A failure leaves the cache down, serving no reads, until its
			// projection has invalidated the same rows from the log.
			if err := cache.InvalidateEvents(context.WithoutCancel(ctx), s.cfg.Cache, events); err != nil {
				s.log.DebugContext(ctx, "cache invalidation failed", slog.Any("err", err))
			}
		}
		if s.cfg.AfterCommit != nil {
			s.cfg.AfterCommit(ctx, events)
		}
	}
	return nil
}

// public returns ctx for a read anyone may make (shops, products on sale):
// with its caller if it carries one, else as an anonymous caller, which the
// store's row-level security lets read only what is public.
func public(ctx context.Context) context.Context {
	if _, ok := store.CallerOf(ctx); ok {
		return ctx
	}
	return store.WithCaller(ctx, mohalla.Anonymous)
}

// internal passes *mohalla.Error through and wraps anything else as EINTERNAL,
// whose cause (Err) is not for callers. It does not log it: whoever handles
// the error does, once (the HTTP API's problem writer, with the request id;
// the engine, in the run's record).
func (s *Service) internal(ctx context.Context, err error) error {
	var e *mohalla.Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &mohalla.Error{Code: mohalla.EUNAVAILABLE, Message: "the request was cancelled or timed out", Err: err}
	}
	if s.store.IsBadValue(err) {
		// A backstop: validation refuses such values first. Which field the
		// database refused is not known here, and its text is not for callers.
		s.log.WarnContext(ctx, "the store refused a value", slog.Any("err", err))
		return mohalla.Errorf(mohalla.EINVALID, "the request holds a value the store cannot keep")
	}
	return &mohalla.Error{Code: mohalla.EINTERNAL, Message: "internal error", Err: err}
}

// notFound maps store.ErrNotFound to ENOTFOUND naming what was looked up.
func (s *Service) notFound(ctx context.Context, err error, what, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return mohalla.Errorf(mohalla.ENOTFOUND, "%s %q not found", what, id)
	}
	return s.internal(ctx, err)
}

func newID() string { return ulid.Make().String() }

// requestHash identifies a create request's content for idempotency.
func requestHash(in any) string {
	b, _ := json.Marshal(in)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// idempotencyKey returns the scope and key under which a create is remembered:
// the client's Idempotency-Key (scoped to the caller) or else the client's id.
func idempotencyKey(kind string, c mohalla.Caller, header, id string) (scope, key string) {
	if header != "" {
		return kind + ":key:" + c.ID, header
	}
	return kind, id
}

// replay looks up an earlier create with the same key. It returns the resource id
// and true if there was one with the same request, and ECONFLICT if there was one
// with a different request.
func replay(ctx context.Context, tx *store.Tx, scope, key, hash string) (string, bool, error) {
	if key == "" {
		return "", false, nil
	}
	r, err := tx.Idempotency(ctx, scope, key)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if r.RequestHash != hash {
		return "", false, mohalla.Errorf(mohalla.ECONFLICT, "%q was already used for a different request", key)
	}
	return r.ResourceID, true, nil
}

// remember records a create under its key. A duplicate means another create with
// the key committed meanwhile.
func remember(ctx context.Context, c *change, scope, key, hash, id string) error {
	if key == "" {
		return nil
	}
	err := c.tx.InsertIdempotency(ctx, store.IdempotencyRecord{Scope: scope, Key: key, RequestHash: hash, ResourceID: id}, c.now)
	if errors.Is(err, store.ErrDuplicate) {
		return errRaced
	}
	return err
}

// claim records a create under its key before the create writes anything:
// one statement where replay and remember take two, and a concurrent create
// with the same key waits for this one instead of doing its work twice. It
// returns "" if the key is new (or there is none); else the id of the
// resource an earlier create with the same request made, or ECONFLICT if the
// earlier request was a different one.
func claim(ctx context.Context, c *change, scope, key, hash, id string) (string, error) {
	if key == "" {
		return "", nil
	}
	ok, err := c.tx.ClaimIdempotency(ctx, store.IdempotencyRecord{Scope: scope, Key: key, RequestHash: hash, ResourceID: id}, c.now)
	if err != nil || ok {
		return "", err
	}
	prior, done, err := replay(ctx, c.tx, scope, key, hash)
	if err == nil && !done {
		return "", errRaced // the record went away meanwhile (pruned): try again
	}
	return prior, err
}
