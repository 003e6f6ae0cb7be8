package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/mail"
	"github.com/mohallamart/mohalla/store"
)

// email renders template for user and sends it once, as the step id of the run.
// The record is created first; an email already sent is not sent again. If the
// worker dies after the mailer accepted the email and before that was recorded,
// the retry sends it again with the same Message-ID, which mail clients use to
// show it once.
func (n *Notifier) email(ctx context.Context, in engine.Input, step, template string, to mohalla.User, shopID string, data any) error {
	return n.emailRead(ctx, in, step, template, shopID, func(context.Context, *store.Q) (mohalla.User, any, error) { return to, data, nil })
}

// emailRead is email whose recipient and data read reads (through q) inside
// the step, rather than in steps of their own before it: each step's save is
// a write, and the step's own record (the notification, created once per
// event) is what a retry after the email went out finds, whatever it reads
// again.
func (n *Notifier) emailRead(ctx context.Context, in engine.Input, step, template, shopID string,
	read func(context.Context, *store.Q) (mohalla.User, any, error)) error {
	if n.cfg.Mailer == nil {
		// Nothing will send it: the email is only recorded, as such, in the
		// step's own transaction, which the step's record commits with
		// (engine.RunTx): reads, the record and the step in one commit.
		_, err := engine.RunTx(ctx, in.Step, step, func(ctx context.Context, tx *store.Tx) (mohalla.NotificationStatus, error) {
			note, _, err := n.compose(ctx, &tx.Q, in, template, shopID, read)
			if err != nil {
				return "", err
			}
			note.Status, note.ProviderResponse = mohalla.NoteRecorded, noMailer
			rec, err := tx.EnsureNotification(ctx, note)
			if err != nil || rec.Status == mohalla.NoteSent || rec.Status == mohalla.NoteRecorded {
				return rec.Status, err
			}
			// Kept pending by an earlier attempt, when a mailer was configured.
			return mohalla.NoteRecorded, tx.MarkNotification(ctx, note.ID, mohalla.NoteRecorded, noMailer, false, note.CreatedAt)
		})
		return err
	}
	_, err := engine.Run(ctx, in.Step, step, func(ctx context.Context) (mohalla.NotificationStatus, error) {
		note, r, err := n.compose(ctx, n.st.Read(), in, template, shopID, read)
		if err != nil {
			return "", err
		}
		id, now := note.ID, note.CreatedAt
		rec, err := n.st.Write().EnsureNotification(ctx, note)
		if err != nil {
			return "", err
		}
		if rec.Status == mohalla.NoteSent || rec.Status == mohalla.NoteRecorded {
			return rec.Status, nil
		}
		if err := n.st.Write().MarkNotification(ctx, id, mohalla.NoteSending, rec.ProviderResponse, true, now); err != nil {
			return "", err
		}
		resp, err := n.cfg.Mailer.Send(ctx, mail.Message{To: note.Recipient, Subject: r.Subject, Text: r.Text, HTML: r.HTML, MessageID: rec.MessageID})
		if err != nil {
			_ = n.st.Write().MarkNotification(ctx, id, mohalla.NotePending, err.Error(), false, n.cfg.Now().UTC())
			return "", fmt.Errorf("send %s to %s: %w", template, note.Recipient, err)
		}
		if n.cfg.AfterSend != nil {
			n.cfg.AfterSend(id)
		}
		return mohalla.NoteSent, n.st.Write().MarkNotification(ctx, id, mohalla.NoteSent, resp, false, n.cfg.Now().UTC())
	})
	return err
}

// compose reads the email's recipient and data (through q) and renders it:
// its notification, pending, and the rendered message.
func (n *Notifier) compose(ctx context.Context, q *store.Q, in engine.Input, template, shopID string,
	read func(context.Context, *store.Q) (mohalla.User, any, error)) (mohalla.Notification, rendered, error) {
	to, data, err := read(ctx, q)
	if err != nil {
		return mohalla.Notification{}, rendered{}, err
	}
	r, err := render(template, data)
	if err != nil {
		return mohalla.Notification{}, r, engine.NonRetriable(err)
	}
	b, _ := json.Marshal(data)
	id := noteID(template, in.Event.ID, in.Event.Time())
	return mohalla.Notification{ID: id, UserID: to.ID, ShopID: shopID, Channel: "email", Template: template,
		Recipient: to.Email, Subject: r.Subject, Data: b, Status: mohalla.NotePending,
		MessageID: mail.NewMessageID(id+"."+template, n.cfg.Domain), EventID: in.Event.ID, CreatedAt: n.cfg.Now().UTC()}, r, nil
}

// noMailer is the provider response of an email recorded without a mailer.
const noMailer = "no SMTP server configured"

// record keeps a shop notification (no email) once per event, in the step's
// own transaction (engine.RunTx).
func (n *Notifier) record(ctx context.Context, in engine.Input, step, template string, userID, shopID, subject string, data any) (string, error) {
	return engine.RunTx(ctx, in.Step, step, func(ctx context.Context, tx *store.Tx) (string, error) {
		return n.keep(ctx, tx, in, template, userID, shopID, subject, data)
	})
}

// keep writes the shop notification of record, once per event, in tx (held
// until its commit), and returns its id.
func (n *Notifier) keep(ctx context.Context, tx *store.Tx, in engine.Input, template string, userID, shopID, subject string, data any) (string, error) {
	b, _ := json.Marshal(data)
	now := n.cfg.Now().UTC()
	id := noteID(template, in.Event.ID, in.Event.Time())
	err := tx.KeepNotification(ctx, mohalla.Notification{ID: id, UserID: userID, ShopID: shopID,
		Channel: "shop", Template: template, Subject: subject, Data: b, Status: mohalla.NoteRecorded, EventID: in.Event.ID,
		CreatedAt: now})
	return id, err
}

// user loads a user as a step, so a retry sees the same recipient.
func (n *Notifier) user(ctx context.Context, in engine.Input, id string) (mohalla.User, error) {
	return engine.Run(ctx, in.Step, "load-user-"+id, func(ctx context.Context) (mohalla.User, error) {
		return n.readUser(ctx, n.st.Read(), id)
	})
}

// readUser reads a user through q; a missing one is not retried.
func (n *Notifier) readUser(ctx context.Context, q *store.Q, id string) (mohalla.User, error) {
	u, err := q.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return u, engine.NonRetriable(fmt.Errorf("user %s not found", id))
	}
	return u, err
}

// shop loads a shop and its owner as a step.
func (n *Notifier) shop(ctx context.Context, in engine.Input, id string) (shopAndOwner, error) {
	return engine.Run(ctx, in.Step, "load-shop-"+id, func(ctx context.Context) (shopAndOwner, error) {
		r, err := n.readShop(ctx, n.st.Read(), id, "")
		return shopAndOwner{Shop: r.Shop, Owner: r.Owner}, err
	})
}

// readShop reads through q, in one round trip as a rule, a shop, its owner,
// whether it has a webhook and, unless customerID is "", that user; a
// missing shop or customer is not retried.
func (n *Notifier) readShop(ctx context.Context, q *store.Q, id, customerID string) (store.ShopRead, error) {
	r, err := q.ShopWith(ctx, id, customerID)
	if errors.Is(err, store.ErrNotFound) {
		// Only tells a missing shop from a missing owner.
		sh, err := q.Shop(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return r, engine.NonRetriable(fmt.Errorf("shop %s not found", id))
		} else if err != nil {
			return r, err
		}
		if _, err := q.User(ctx, sh.OwnerID); err != nil {
			return r, err // its owner is missing: retried
		}
		return r, fmt.Errorf("shop %s: its owner was written while read", id) // retried
	} else if err != nil {
		return r, err
	}
	if customerID != "" && r.Customer == nil {
		return r, engine.NonRetriable(fmt.Errorf("user %s not found", customerID))
	}
	return r, nil
}

type shopAndOwner struct {
	Shop  mohalla.Shop `json:"shop"`
	Owner mohalla.User `json:"owner"`
}

func decode[T any](e mohalla.Event) (T, error) {
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return v, engine.NonRetriable(fmt.Errorf("event %s data: %w", e.Name, err))
	}
	return v, nil
}
