package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// procClockTick is the unit of utime and stime in /proc/<pid>/stat: USER_HZ, which
// Linux fixes at 100 for user space.
const procClockTick = 10 * time.Millisecond

// costMeter tells what one side cost since it was started: the CPU time of
// this process and of the PostgreSQL backends of the side's database, and the
// connections taken from its pool and the time spent waiting for one. The
// backends' CPU is only known when the server runs on this machine, where
// their /proc entries can be read.
type costMeter struct {
	pool     *pgxpool.Pool
	self     time.Duration
	backends map[int]time.Duration
	pool0    *pgxpool.Stat
}

// cost is what costMeter measured.
type cost struct {
	self, server time.Duration // server is 0 when unknown
	acquires     int64
	wait         time.Duration
}

func startCost(ctx context.Context, pool *pgxpool.Pool) *costMeter {
	m := &costMeter{pool: pool, self: selfCPU(), pool0: pool.Stat()}
	m.backends, _ = backendsCPU(ctx, pool)
	return m
}

func (m *costMeter) since(ctx context.Context) cost {
	ps := m.pool.Stat()
	c := cost{self: selfCPU() - m.self, acquires: ps.AcquireCount() - m.pool0.AcquireCount(),
		wait: ps.EmptyAcquireWaitTime() - m.pool0.EmptyAcquireWaitTime()}
	now, err := backendsCPU(ctx, m.pool)
	if err != nil || m.backends == nil {
		return c
	}
	for pid, t := range now {
		c.server += t - m.backends[pid] // a backend started since began at 0
	}
	return c
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendsCPU reads the CPU time of each backend connected to the pool's
// database from /proc.
func backendsCPU(ctx context.Context, pool *pgxpool.Pool) (map[int]time.Duration, error) {
	rows, err := pool.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return nil, err
		}
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return nil, err // the server is elsewhere
		}
		// The fields after the command, which is in parentheses, are split by spaces;
		// utime and stime are the 14th and 15th of the line.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 13 {
			return nil, fmt.Errorf("/proc/%d/stat: too few fields", pid)
		}
		u, err1 := strconv.ParseInt(f[11], 10, 64)
		s, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("/proc/%d/stat: unreadable utime or stime", pid)
		}
		out[pid] = time.Duration(u+s) * procClockTick
	}
	return out, rows.Err()
}
