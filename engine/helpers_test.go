package engine_test

import (
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

func customer() mohalla.Caller { return mohalla.Caller{ID: "c", Role: mohalla.RoleCustomer} }

func marketEvents(name string) market.EventQuery { return market.EventQuery{Name: name, Limit: 1000} }

func marketFor(st *store.Store, eng *engine.Engine) *market.Service {
	return market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
}
