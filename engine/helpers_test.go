package engine_test

import "github.com/mohallamart/mohalla/market"

func marketEvents(name string) market.EventQuery { return market.EventQuery{Name: name, Limit: 1000} }
