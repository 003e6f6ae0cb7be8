package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/mohallamart/mohalla/eventlog"
)

// sseWriter writes a stream's SSE messages, remembering the first failure.
// Messages are gathered in its buffer, and flush sends them in one write.
//
// Past the stream's first message it writes to the connection itself
// (takeOver), an HTTP/1.1 chunk per flush: through net/http each message was
// copied into two buffers and passed through the response's flush, its
// chunk writer and the connection's error check on its way to the socket,
// and those, with the ResponseController's look-ups, were a tenth of the
// nodes' CPU per message at 10,000 streams. Over HTTP/2, or a ResponseWriter
// that cannot be taken over, net/http writes as before.
//
// Each write to the connection is bounded by the timeout, less at most half
// of it: the deadline is moved only when half the timeout has passed since it
// was last set, not at every message, since setting it re-arms a runtime
// timer (at 10,000 streams, set at each batch, it was a twentieth of a
// stream's CPU per message).
type sseWriter struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	conn net.Conn // the connection, once taken over
	// raw is conn's socket, if the hub may write to it without waiting
	// (flushNow); pending is what such a write left unwritten, which
	// flush writes first.
	raw     syscall.RawConn
	pending []byte
	timeout time.Duration
	set     time.Time // when the deadline was last set to set+timeout
	err     error

	// buf is what flush writes next, after head bytes kept free for the
	// chunk's size line (none before the connection is taken over).
	buf  []byte
	head int
}

// chunkHead is the room kept at the start of buf for a chunk's size line:
// eight hexadecimal digits and CRLF.
const chunkHead = 10

// flushAt is the size of the gathered messages past which they are written
// before the batch ends (a long replay), and keepBuf the capacity of a
// buffer a stream keeps once it is written (a snapshot may be large).
const (
	flushAt = 32 << 10
	keepBuf = 4 << 10
)

func (sw *sseWriter) reset() {
	if cap(sw.buf) > keepBuf || sw.buf == nil {
		sw.buf = make([]byte, sw.head, 1024)
	}
	sw.buf = sw.buf[:sw.head]
}

// takeOver writes the rest of the stream to r's connection itself, if it may:
// HTTP/1.1 (net/http chunks that response, as takeOver goes on to; an
// HTTP/1.0 one it does not, nor a HEAD's body, which it drops), through
// ResponseWriters that unwrap to net/http's. Once it
// does, net/http no longer sees the client go, so a goroutine reading the
// connection calls gone when it does (or sends anything: an SSE client
// sends nothing after its request). Call it after a flush, when net/http
// has written everything it was given.
func (sw *sseWriter) takeOver(r *http.Request, gone context.CancelCauseFunc) {
	if sw.err != nil || r.ProtoMajor != 1 || !r.ProtoAtLeast(1, 1) || r.Method == http.MethodHead {
		return
	}
	conn, _, err := sw.rc.Hijack()
	if err != nil {
		return
	}
	sw.conn, sw.head, sw.set, sw.buf = conn, chunkHead, time.Time{}, nil // Hijack lifted the deadline
	sw.raw = rawConn(conn)
	sw.reset()
	go func() {
		var b [16]byte
		_, err := conn.Read(b[:])
		if err == nil {
			err = errClientSpoke
		}
		gone(fmt.Errorf("%w: %w", errClientGone, err))
	}()
}

var (
	errClientGone  = errors.New("live: the client went")
	errClientSpoke = errors.New("the client sent bytes after its request")
)

// close ends the stream's body and closes the connection, if it was taken
// over; net/http does both otherwise.
func (sw *sseWriter) close() {
	if sw.conn == nil {
		return
	}
	if sw.flush() { // the rest of a change the hub began to write
		sw.arm()
		_, _ = sw.conn.Write([]byte("0\r\n\r\n"))
	}
	_ = sw.conn.Close()
}

// arm moves the write deadline if it is due, before a write that may reach
// the connection.
func (sw *sseWriter) arm() {
	if now := time.Now(); now.Sub(sw.set) > sw.timeout/2 {
		sw.set = now
		if sw.conn != nil {
			_ = sw.conn.SetWriteDeadline(now.Add(sw.timeout))
		} else {
			_ = sw.rc.SetWriteDeadline(now.Add(sw.timeout))
		}
	}
}

func (sw *sseWriter) printf(format string, args ...any) {
	if sw.err == nil {
		sw.buf = fmt.Appendf(sw.buf, format, args...)
	}
}

func (sw *sseWriter) message(id eventlog.Mark, event string, data []byte) {
	sw.printf("id: %s\nevent: %s\ndata: %s\n\n", id, event, data)
}

func (sw *sseWriter) frame(f frame) {
	if sw.err != nil {
		return
	}
	sw.buf = append(sw.buf, f.msg...)
	if len(sw.buf) > flushAt {
		sw.flush()
	}
}

// frameAs writes f with the id of m instead of its own.
func (sw *sseWriter) frameAs(f frame, m eventlog.Mark) {
	if sw.err != nil {
		return
	}
	nl := bytes.IndexByte(f.msg, '\n')
	sw.buf = append(m.Append(append(sw.buf, "id: "...)), f.msg[nl:]...)
	if len(sw.buf) > flushAt {
		sw.flush()
	}
}

// flush writes the messages gathered, and reports whether every write so far
// succeeded.
func (sw *sseWriter) flush() bool {
	if sw.err != nil {
		return false
	}
	if len(sw.buf) == sw.head && len(sw.pending) == 0 {
		return true
	}
	sw.arm()
	if sw.conn != nil {
		if len(sw.pending) > 0 {
			_, sw.err = sw.conn.Write(sw.pending)
			sw.pending = nil
		}
		if sw.err == nil && len(sw.buf) > sw.head {
			_, sw.err = sw.conn.Write(sw.chunk())
		}
	} else if _, sw.err = sw.w.Write(sw.buf); sw.err == nil {
		sw.err = sw.rc.Flush()
	}
	sw.reset()
	return sw.err == nil
}

// flushNow writes the messages gathered to the socket without waiting
// (writeNow), and reports whether the socket took them all. What it did not
// take is pending, for flush to write first. Only the stream's own
// connection is written so (raw, with nothing pending).
func (sw *sseWriter) flushNow() bool {
	if sw.err != nil || sw.raw == nil || len(sw.pending) > 0 {
		return false
	}
	if len(sw.buf) == sw.head {
		return true
	}
	sw.arm() // an expired deadline fails even a write that need not wait
	b := sw.chunk()
	n, err := writeNow(sw.raw, b)
	if err != nil {
		sw.err = err
	} else if n < len(b) {
		sw.pending = append([]byte(nil), b[n:]...)
	}
	sw.reset()
	return sw.err == nil && len(sw.pending) == 0
}

// chunk frames the messages gathered as an HTTP/1.1 chunk, in place, and
// returns it.
func (sw *sseWriter) chunk() []byte {
	var h [chunkHead]byte
	size := strconv.AppendInt(h[:0], int64(len(sw.buf)-chunkHead), 16)
	size = append(size, "\r\n"...)
	start := chunkHead - len(size)
	copy(sw.buf[start:], size)
	sw.buf = append(sw.buf, "\r\n"...)
	return sw.buf[start:]
}
