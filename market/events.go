package market

import "github.com/mohallamart/mohalla"

// NewEvent returns an event of type t with data, for SendEvents: Inngest's typed
// send. id may be "" for a new ULID.
func NewEvent[T any](t mohalla.EventType[T], id string, data T) (SendEvent, error) {
	b, err := t.Encode(data)
	if err != nil {
		return SendEvent{}, err
	}
	return SendEvent{ID: id, Name: t.Name, Data: b}, nil
}
