package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// next returns the load with a run id of its own, for another turn: the
// clients number their orders' idempotency keys from zero in each.
func (l *load) next() *load {
	n := *l
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	n.run = hex.EncodeToString(b)
	return &n
}

// turnWatch notes what the machine and the server did around each turn: the
// load average at its start and the checkpoints started during it. A nil
// turnWatch notes nothing.
type turnWatch struct {
	conn        *pgx.Conn
	checkpoints int64
}

func newTurnWatch(ctx context.Context, dbURL string) (*turnWatch, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	return &turnWatch{conn: conn}, nil
}

func (w *turnWatch) close(ctx context.Context) {
	if w != nil {
		w.conn.Close(ctx)
	}
}

func (w *turnWatch) start(ctx context.Context, t *Turn) {
	if w == nil {
		return
	}
	t.Load1 = load1()
	w.checkpoints = w.count(ctx)
}

func (w *turnWatch) stop(ctx context.Context, t *Turn) {
	if w == nil {
		return
	}
	t.Checkpoints = int(w.count(ctx) - w.checkpoints)
}

// count is the checkpoints the server has started, timed and requested.
func (w *turnWatch) count(ctx context.Context) int64 {
	var n int64
	_ = w.conn.QueryRow(ctx, "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter").Scan(&n)
	return n
}

// load1 is the machine's load average over the last minute, 0 if unknown.
func load1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return f
}
