package market

import (
	"context"
	"errors"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/store"
)

// CreateUser is the input of Service.CreateUser. ID is optional: without it the
// server assigns a ULID.
type CreateUser struct {
	ID    string `json:"id,omitempty" rule:"id"`
	Email string `json:"email" rule:"email"`
	Name  string `json:"name" rule:"name"`
	Phone string `json:"phone,omitempty" rule:"phone"`
	// IdempotencyKey makes a create without an ID safe to repeat.
	IdempotencyKey string `json:"-"`
}

func (in *CreateUser) validate() error {
	var v mohalla.Invalid
	checkID(&v, "id", in.ID, false)
	checkEmail(&v, "email", in.Email)
	checkText(&v, "name", in.Name, "name")
	checkText(&v, "phone", in.Phone, "phone")
	return v.Err()
}

// CreateUser creates a user and appends user/created. The caller may create
// itself (sub = id), or be an admin or a service. Repeating the create with the
// same id or idempotency key returns the first result; a different request under
// that key is ECONFLICT, and so is an email already registered.
func (s *Service) CreateUser(ctx context.Context, c mohalla.Caller, in CreateUser) (mohalla.User, error) {
	in.Email = strings.TrimSpace(in.Email)
	if in.ID == "" && self(c, c.ID) && !c.Privileged() {
		in.ID = c.ID // a signed-in user registering itself
	}
	if err := in.validate(); err != nil {
		return mohalla.User{}, err
	}
	if err := authCreateUser(c, in.ID, in.Email); err != nil {
		return mohalla.User{}, err
	}
	scope, key := idempotencyKey("user", c, in.IdempotencyKey, in.ID)
	hash := requestHash(in)
	var u mohalla.User
	err := s.write(ctx, c, "create_user", func(ctx context.Context, w *change) error {
		id, done, err := replay(ctx, w.tx, scope, key, hash)
		if err != nil || done {
			if done {
				u, err = w.tx.User(ctx, id)
			}
			return err
		}
		u = mohalla.User{ID: in.ID, Email: in.Email, Name: in.Name, Phone: in.Phone, Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
		if u.ID == "" {
			u.ID = newID()
		}
		// Checked before the insert: on PostgreSQL a failed insert ends the transaction.
		if _, err := w.tx.UserIDByEmail(ctx, u.Email); err == nil {
			return &mohalla.Error{Code: mohalla.ECONFLICT, Message: "email already registered",
				Fields: []mohalla.FieldError{{Field: "email", Message: "is already registered"}}}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := w.tx.InsertUser(ctx, &u); errors.Is(err, store.ErrDuplicate) {
			return errRaced // the next attempt finds the concurrent create
		} else if err != nil {
			return err
		}
		if err := remember(ctx, w, scope, key, hash, u.ID); err != nil {
			return err
		}
		w.audit(mohalla.AuditUserCreate, "user", u.ID, "", nil, map[string]any{"email": u.Email, "name": u.Name, "phone": u.Phone})
		return w.emit(mohalla.EventUserCreated, mohalla.UserEvent{UserID: u.ID, Email: u.Email, Name: u.Name, Phone: u.Phone})
	})
	return u, err
}

// User returns the user with id to itself, an admin or a service. It returns
// ENOTFOUND if there is none, and to anyone else who is signed in.
func (s *Service) User(ctx context.Context, c mohalla.Caller, id string) (mohalla.User, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authReadUser(c, id); err != nil {
		return mohalla.User{}, hidden(err, "user", id)
	}
	u, err := cache.Read(ctx, s.cfg.Cache, cache.Key{Kind: cache.User, ID: id}, s.store.Read().User)
	if err != nil {
		return u, s.notFound(ctx, err, "user", id)
	}
	return u, nil
}
