package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Notify sends the payloads on channel to the processes listening there
// (see Listen), in one statement, on PostgreSQL at once, not at a commit, on
// a connection of the log's followers (ReadLog): a notification waiting for
// one of the pool's behind the requests delays the other nodes' deliveries
// by as much. On SQLite, whose store one process holds, it returns
// errors.ErrUnsupported.
func (s *Store) Notify(ctx context.Context, channel string, payloads ...string) error {
	p, ok := s.b.(*postgres)
	if !ok {
		return errors.ErrUnsupported
	}
	_, err := p.logPool.Exec(ctx, `SELECT count(pg_notify($1, p)) FROM unnest($2::text[]) AS p`, channel, payloads)
	return err
}

// Listener hears the notifications of one channel on a connection of its
// own (see Store.Listen).
type Listener struct{ conn *pgx.Conn }

// Listen opens a connection of its own, outside the pool, listening on
// channel; notifications sent before it returns are not heard. The caller
// closes it. On SQLite it returns errors.ErrUnsupported.
func (s *Store) Listen(ctx context.Context, channel string) (*Listener, error) {
	p, ok := s.b.(*postgres)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	conn, err := pgx.ConnectConfig(ctx, p.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return &Listener{conn: conn}, nil
}

// Wait returns the payload of the next notification, or the error that ended
// the connection or ctx.
func (l *Listener) Wait(ctx context.Context) (string, error) {
	msg, err := l.conn.WaitForNotification(ctx)
	if err != nil {
		return "", err
	}
	return msg.Payload, nil
}

// Close closes the listener's connection.
func (l *Listener) Close(ctx context.Context) error { return l.conn.Close(ctx) }
