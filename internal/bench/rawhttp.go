package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// rawGetter is a lean HTTP/1.1 client of GETs on one keep-alive connection.
// A bench's load generator shares the machine's cores with the server it
// measures; net/http's client spends about as much CPU on a request as the
// server does, which would hide what the server saves. This one writes the
// request line and reads the status, the headers it needs and the body, and
// nothing else. Not safe for concurrent use: one per client.
type rawGetter struct {
	addr string
	conn net.Conn
	r    *bufio.Reader
	req  []byte
}

func newRawGetter(addr string) *rawGetter { return &rawGetter{addr: addr} }

// get requests path and returns the response's status, with its body read.
func (g *rawGetter) get(path string) (int, error) {
	if g.conn == nil {
		c, err := net.DialTimeout("tcp", g.addr, 10*time.Second)
		if err != nil {
			return 0, err
		}
		g.conn, g.r = c, bufio.NewReaderSize(c, 16<<10)
	}
	status, err := g.roundTrip(path)
	if err != nil {
		g.close() // the next request dials again
	}
	return status, err
}

func (g *rawGetter) roundTrip(path string) (int, error) {
	_ = g.conn.SetDeadline(time.Now().Add(10 * time.Second))
	g.req = append(append(append(g.req[:0], "GET "...), path...), " HTTP/1.1\r\nHost: bench\r\n\r\n"...)
	if _, err := g.conn.Write(g.req); err != nil {
		return 0, err
	}
	status, err := readStatus(g.r)
	if err != nil {
		return 0, err
	}
	length, closing := -1, false
	for {
		h, err := g.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, errors.New("a chunked response: this client reads only responses with a Content-Length")
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			closing = true
		}
	}
	if length < 0 {
		return 0, errors.New("a response without Content-Length")
	}
	if _, err := g.r.Discard(length); err != nil {
		return 0, err
	}
	if closing {
		g.close()
	}
	return status, nil
}

func (g *rawGetter) close() {
	if g.conn != nil {
		_ = g.conn.Close()
		g.conn, g.r = nil, nil
	}
}

// readStatus reads an HTTP/1.1 response's status line ("HTTP/1.1 200 OK\r\n")
// and returns its status.
func readStatus(r *bufio.Reader) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	return status, nil
}
