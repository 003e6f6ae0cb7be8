package mohalla

// OrderStatus is where an order is in its life.
type OrderStatus string

// The order statuses.
const (
	StatusPending        OrderStatus = "pending"
	StatusConfirmed      OrderStatus = "confirmed"
	StatusPacked         OrderStatus = "packed"
	StatusOutForDelivery OrderStatus = "out_for_delivery"
	StatusDelivered      OrderStatus = "delivered"
	StatusCancelled      OrderStatus = "cancelled"
)

// transitions is the order state machine: the statuses each status may move to.
var transitions = map[OrderStatus][]OrderStatus{
	StatusPending:        {StatusConfirmed, StatusCancelled},
	StatusConfirmed:      {StatusPacked, StatusCancelled},
	StatusPacked:         {StatusOutForDelivery, StatusCancelled},
	StatusOutForDelivery: {StatusDelivered},
}

// Valid reports whether s is a known status.
func (s OrderStatus) Valid() bool {
	_, ok := transitions[s]
	return ok || s == StatusDelivered || s == StatusCancelled
}

// Next lists the statuses s may move to; none for delivered and cancelled.
func (s OrderStatus) Next() []OrderStatus { return transitions[s] }

// CanMoveTo reports whether the state machine allows s -> to.
func (s OrderStatus) CanMoveTo(to OrderStatus) bool {
	for _, n := range transitions[s] {
		if n == to {
			return true
		}
	}
	return false
}
