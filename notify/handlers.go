package notify

import (
	"context"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/store"
)

type userCreated struct {
	UserID string `json:"userId"`
}

func (n *Notifier) welcome(ctx context.Context, in engine.Input) (any, error) {
	ev, err := decode[userCreated](in.Event)
	if err != nil {
		return nil, err
	}
	u, err := n.user(ctx, in, ev.UserID)
	if err != nil {
		return nil, err
	}
	return nil, n.email(ctx, in, "email", "welcome", u, "", map[string]string{"Name": u.Name})
}

func (n *Notifier) orderConfirmation(ctx context.Context, in engine.Input) (any, error) {
	o, err := decode[mohalla.OrderEvent](in.Event)
	if err != nil {
		return nil, err
	}
	// The customer and the shop are read in the email's step, not in two
	// steps of their own (an order's functions saved six steps, a round trip
	// each, where three do; see emailRead), and in one statement.
	return nil, n.emailRead(ctx, in, "email", "order_confirmation", o.ShopID, func(ctx context.Context, q *store.Q) (mohalla.User, any, error) {
		r, err := n.readShop(ctx, q, o.ShopID, o.UserID)
		if err != nil {
			return mohalla.User{}, nil, err
		}
		return *r.Customer, map[string]any{"Name": r.Customer.Name, "ShopName": r.Shop.Name, "Order": o}, nil
	})
}

// statusMessages are the order updates a customer is emailed about.
var statusMessages = map[mohalla.OrderStatus][2]string{
	mohalla.StatusConfirmed:      {"confirmed", "Your order has been confirmed by the shop and is being prepared."},
	mohalla.StatusOutForDelivery: {"out for delivery", "Your order is on its way."},
	mohalla.StatusDelivered:      {"delivered", "Your order has been delivered. Enjoy!"},
	mohalla.StatusCancelled:      {"cancelled", "Your order has been cancelled."},
}

func (n *Notifier) orderStatus(ctx context.Context, in engine.Input) (any, error) {
	up, err := decode[mohalla.OrderUpdated](in.Event)
	if err != nil {
		return nil, err
	}
	msg, ok := statusMessages[up.Status]
	if !ok {
		return "no email for " + string(up.Status), nil
	}
	u, err := n.user(ctx, in, up.UserID)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Name": u.Name, "Update": up, "Headline": msg[0], "Message": msg[1]}
	if up.Status == mohalla.StatusCancelled {
		o, err := engine.Run(ctx, in.Step, "load-order", func(ctx context.Context) (mohalla.Order, error) {
			return n.st.Read().Order(ctx, up.OrderID)
		})
		if err != nil {
			return nil, err
		}
		data["Refund"] = o.TotalAmount
	}
	return nil, n.email(ctx, in, "email", "order_status", u, up.ShopID, data)
}

// shopOrder tells the shop's owner of a new order: a notification record, and a
// signed webhook if the shop registered one. The live topic shop:{id}:orders
// carries the order itself, from the event log.
func (n *Notifier) shopOrder(ctx context.Context, in engine.Input) (any, error) {
	o, err := decode[mohalla.OrderEvent](in.Event)
	if err != nil {
		return nil, err
	}
	// The shop's owner, and whether the shop has a webhook, are read in the
	// notice's step (see orderConfirmation), in one statement, in its
	// transaction (see record): a shop without a webhook, most of them, then
	// has no webhook step to run and record. A webhook registered after the
	// order's notice was recorded is not called for that order.
	nt, err := engine.RunTx(ctx, in.Step, "notice", func(ctx context.Context, tx *store.Tx) (shopNotice, error) {
		sh, err := n.readShop(ctx, &tx.Q, o.ShopID, "")
		if err != nil {
			return shopNotice{}, err
		}
		id, err := n.keep(ctx, tx, in, "new_order", sh.Owner.ID, o.ShopID, "New order "+o.OrderID+" for ₹"+o.TotalAmount.String(), o)
		return shopNotice{ID: id, Webhook: sh.HasWebhook}, err
	})
	if err != nil || !nt.Webhook {
		return nil, err
	}
	return nil, n.webhook(ctx, in, nt.ID, o.ShopID, "order.created", o)
}

// shopNotice is the output of a new order's notice step: the notification's
// id, and whether the shop has a webhook to call.
type shopNotice struct {
	ID      string `json:"id"`
	Webhook bool   `json:"webhook,omitempty"`
}

var inventoryMessages = map[string][2]string{
	mohalla.EventLowStock:    {"Low stock", "stock has fallen to its low-stock threshold; time to restock."},
	mohalla.EventOutOfStock:  {"Out of stock", "it is out of stock and cannot be ordered until restocked."},
	mohalla.EventBackInStock: {"Back in stock", "it is back in stock and can be ordered again."},
}

// inventory alerts the shop owner of a stock crossing: a notification, and an
// email when a mailer is configured.
func (n *Notifier) inventory(ctx context.Context, in engine.Input) (any, error) {
	item, err := decode[mohalla.InventoryEvent](in.Event)
	if err != nil {
		return nil, err
	}
	sh, err := n.shop(ctx, in, item.ShopID)
	if err != nil {
		return nil, err
	}
	msg := inventoryMessages[in.Event.Name]
	data := map[string]any{"Name": sh.Owner.Name, "ShopName": sh.Shop.Name, "Item": item, "Headline": msg[0], "Message": msg[1]}
	if _, err := n.record(ctx, in, "record", "inventory_notice", sh.Owner.ID, item.ShopID, msg[0]+": "+item.Name, item); err != nil {
		return nil, err
	}
	return nil, n.email(ctx, in, "email", "inventory_alert", sh.Owner, item.ShopID, data)
}
