package mohalla_test

import (
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla"
)

// Money is integer paise; the API speaks rupees with at most two decimals.
func ExampleMoney() {
	price, err := mohalla.ParseRupees("49.50")
	if err != nil {
		panic(err)
	}
	total := 3 * price
	fmt.Println(int64(total), total)
	_, err = mohalla.ParseRupees("0.001")
	fmt.Println(err != nil)
	// Output:
	// 14850 148.5
	// true
}

// One error type: its code says what the caller did wrong, whatever wraps it.
func ExampleErrorf() {
	err := fmt.Errorf("place order: %w", mohalla.Errorf(mohalla.ECONFLICT, "only %d left of %s", 2, "rice"))
	var e *mohalla.Error
	fmt.Println(mohalla.ErrorCode(err), errors.As(err, &e), e.Message)
	fmt.Println(mohalla.ErrorCode(errors.New("disk on fire")))
	// Output:
	// conflict true only 2 left of rice
	// internal
}

// An event's name and data type travel together: a consumer decodes the data
// with the same value a producer encoded it with, and SubjectsOf names the
// rows the event changed.
func ExampleEventType() {
	data, err := mohalla.OrderCreatedEvent.Encode(mohalla.OrderEvent{OrderID: "o1", UserID: "u1", ShopID: "s1",
		TotalAmount: 14850, Status: mohalla.StatusPending})
	if err != nil {
		panic(err)
	}
	e := mohalla.Event{ID: "e1", Name: mohalla.OrderCreatedEvent.Name, Data: data}

	order, err := mohalla.OrderCreatedEvent.Decode(e)
	fmt.Println(order.OrderID, order.TotalAmount, order.Status, err)
	subj, ok := mohalla.SubjectsOf(e)
	fmt.Println(subj.Entity, subj.ID, subj.ShopID, subj.UserID, ok)
	// Output:
	// o1 148.5 pending <nil>
	// order o1 s1 u1 true
}
