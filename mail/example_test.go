package mail_test

import (
	"fmt"

	"github.com/mohallamart/mohalla/mail"
)

// A Sender for an SMTP relay, and the Message-ID of an email sent by a
// function's step: the same run and step always give the same id, so a
// resend after a crash is the same message to the recipient's server. A
// URL that is not smtp:// is refused when the Sender is made, not at the
// first send. (Delivery itself, Sender.Send, is tested against a real
// Mailpit in the notify and alerts packages.)
func Example() {
	id := mail.NewMessageID("run-42.welcome", "mohalla.local")
	fmt.Println(id, id == mail.NewMessageID("run-42.welcome", "mohalla.local"))
	fmt.Println(id == mail.NewMessageID("run-43.welcome", "mohalla.local"))

	if _, err := mail.NewSender("smtp://127.0.0.1:1025", "Mohalla Mart <orders@mohalla.local>"); err == nil {
		fmt.Println("sender ready")
	}
	_, err := mail.NewSender("http://127.0.0.1:1025", "Mohalla Mart <orders@mohalla.local>")
	fmt.Println(err != nil)
	// Output:
	// run-42.welcome@mohalla.local true
	// false
	// sender ready
	// true
}
