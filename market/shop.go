package market

import (
	"context"
	"errors"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/store"
)

// CreateShop is the input of Service.CreateShop.
type CreateShop struct {
	ID             string            `json:"id,omitempty" rule:"id"`
	Name           string            `json:"name" rule:"name"`
	OwnerID        string            `json:"ownerId" rule:"id"`
	Location       *mohalla.Location `json:"location"`
	Pincode        string            `json:"pincode" rule:"pincode"`
	Address        string            `json:"address,omitempty" rule:"text"`
	IdempotencyKey string            `json:"-"`
}

func (in *CreateShop) validate() error {
	var v mohalla.Invalid
	checkID(&v, "id", in.ID, false)
	checkText(&v, "name", in.Name, "name")
	checkID(&v, "ownerId", in.OwnerID, true)
	checkLocation(&v, "location", in.Location)
	checkPincode(&v, "pincode", in.Pincode)
	checkText(&v, "address", in.Address, "text")
	return v.Err()
}

// CreateShop creates a shop and appends shop/created. A shop owner may create a
// shop for themself; an admin for anyone. The owner must be a user (EINVALID
// naming ownerId otherwise).
func (s *Service) CreateShop(ctx context.Context, c mohalla.Caller, in CreateShop) (mohalla.Shop, error) {
	in.Name, in.Pincode = strings.TrimSpace(in.Name), strings.TrimSpace(in.Pincode)
	if in.OwnerID == "" && c.Is(mohalla.RoleShopOwner) {
		in.OwnerID = c.ID
	}
	if err := in.validate(); err != nil {
		return mohalla.Shop{}, err
	}
	if err := authCreateShop(c, in.OwnerID); err != nil {
		return mohalla.Shop{}, err
	}
	scope, key := idempotencyKey("shop", c, in.IdempotencyKey, in.ID)
	hash := requestHash(in)
	var sh mohalla.Shop
	err := s.write(ctx, c, "create_shop", func(ctx context.Context, w *change) error {
		id, done, err := replay(ctx, w.tx, scope, key, hash)
		if err != nil || done {
			if done {
				sh, err = w.tx.Shop(ctx, id)
			}
			return err
		}
		if _, err := w.tx.User(ctx, in.OwnerID); errors.Is(err, store.ErrNotFound) {
			return fieldError("ownerId", "no user has this id")
		} else if err != nil {
			return err
		}
		sh = mohalla.Shop{ID: in.ID, Name: in.Name, OwnerID: in.OwnerID, Location: *in.Location, Pincode: in.Pincode,
			Address: in.Address, Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
		if sh.ID == "" {
			sh.ID = newID()
		}
		if err := w.tx.InsertShop(ctx, &sh); errors.Is(err, store.ErrDuplicate) {
			return errRaced
		} else if err != nil {
			return err
		}
		if err := remember(ctx, w, scope, key, hash, sh.ID); err != nil {
			return err
		}
		w.audit(mohalla.AuditShopCreate, "shop", sh.ID, sh.ID, nil, map[string]any{"name": sh.Name, "ownerId": sh.OwnerID,
			"location": sh.Location, "pincode": sh.Pincode, "address": sh.Address})
		return w.emit(mohalla.EventShopCreated, mohalla.ShopEvent{ShopID: sh.ID, Name: sh.Name, OwnerID: sh.OwnerID,
			Location: sh.Location, Pincode: sh.Pincode})
	})
	return sh, err
}

// Shop returns the shop with id, to anyone; ENOTFOUND if there is none.
func (s *Service) Shop(ctx context.Context, id string) (mohalla.Shop, error) {
	ctx = public(ctx)
	sh, err := cache.Read(ctx, s.cfg.Cache, cache.Key{Kind: cache.Shop, ID: id}, s.store.Read().Shop)
	if err != nil {
		return sh, s.notFound(ctx, err, "shop", id)
	}
	return sh, nil
}

// ListShops returns a page of shops, to anyone.
func (s *Service) ListShops(ctx context.Context, p PageRequest) (mohalla.Page[mohalla.Shop], error) {
	ctx = public(ctx)
	limit, err := p.limit()
	if err != nil {
		return mohalla.Page[mohalla.Shop]{}, err
	}
	shops, err := s.store.Read().ListShops(ctx, store.ShopFilter{After: p.Cursor, Limit: limit + 1})
	if err != nil {
		return mohalla.Page[mohalla.Shop]{}, s.internal(ctx, err)
	}
	return page(shops, limit, func(sh mohalla.Shop) string { return sh.ID }), nil
}

func fieldError(field, msg string) error {
	return &mohalla.Error{Code: mohalla.EINVALID, Message: "the request has invalid fields",
		Fields: []mohalla.FieldError{{Field: field, Message: msg}}}
}
