package mohalla

import (
	"encoding/json"
	"time"
)

// NotificationStatus is where a notification is in its delivery.
type NotificationStatus string

// The statuses of a notification.
const (
	NotePending  NotificationStatus = "pending"  // recorded, not yet delivered
	NoteSending  NotificationStatus = "sending"  // handed to the provider; outcome not yet recorded
	NoteSent     NotificationStatus = "sent"     // the provider accepted it
	NoteRecorded NotificationStatus = "recorded" // kept only: no provider is configured for its channel
	NoteFailed   NotificationStatus = "failed"
)

// Notification is one message to a user: an email or a shop notification.
type Notification struct {
	ID               string             `json:"id"`
	UserID           string             `json:"userId"`
	ShopID           string             `json:"shopId,omitempty"`
	Channel          string             `json:"channel"` // email, shop
	Template         string             `json:"template"`
	Recipient        string             `json:"recipient,omitempty"`
	Subject          string             `json:"subject,omitempty"`
	Data             json.RawMessage    `json:"data,omitempty"`
	Status           NotificationStatus `json:"status"`
	Attempts         int                `json:"attempts"`
	ProviderResponse string             `json:"providerResponse,omitempty"`
	MessageID        string             `json:"messageId,omitempty"`
	EventID          string             `json:"eventId,omitempty"`
	CreatedAt        time.Time          `json:"createdAt"`
	UpdatedAt        time.Time          `json:"updatedAt"`
}
