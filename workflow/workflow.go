// Package workflow names the seed's two workflows as Go calls: UserRegistration
// and OrderCreation. Each is one write of the market, whose transaction appends
// its events and queues the functions that follow (the welcome email and
// analytics for a registration; the confirmation email, shop notification,
// inventory alerts and analytics for an order). Nothing is orchestrated by hand:
// the calls say which functions follow, and the engine runs them.
package workflow

import (
	"context"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
)

// Workflows runs the workflows on a market service whose writes queue runs on
// eng.
type Workflows struct {
	svc *market.Service
	eng *engine.Engine
}

// New returns the workflows of svc and eng.
func New(svc *market.Service, eng *engine.Engine) *Workflows { return &Workflows{svc: svc, eng: eng} }

// Registration is a registered user and the functions its registration queued.
type Registration struct {
	User    mohalla.User `json:"user"`
	Follows []string     `json:"follows"`
}

// UserRegistration creates the user (see market.Service.CreateUser for the
// rules); in the same transaction, user/created queues the functions that follow.
func (w *Workflows) UserRegistration(ctx context.Context, c mohalla.Caller, in market.CreateUser) (Registration, error) {
	u, err := w.svc.CreateUser(ctx, c, in)
	if err != nil {
		return Registration{}, err
	}
	return Registration{User: u, Follows: w.eng.Subscribers(mohalla.EventUserCreated)}, nil
}

// Placement is a placed order and the functions its creation queued.
type Placement struct {
	Order   mohalla.Order `json:"order"`
	Follows []string      `json:"follows"`
}

// OrderCreation places the order (see market.Service.CreateOrder): its stock is
// reserved, and order/created and the stock changes queue the functions that
// follow, all in one transaction.
func (w *Workflows) OrderCreation(ctx context.Context, c mohalla.Caller, in market.CreateOrder) (Placement, error) {
	o, err := w.svc.CreateOrder(ctx, c, in)
	if err != nil {
		return Placement{}, err
	}
	return Placement{Order: o, Follows: w.eng.Subscribers(mohalla.EventOrderCreated)}, nil
}
