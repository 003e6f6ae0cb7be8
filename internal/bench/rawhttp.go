package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// rawGetter is a lean HTTP/1.1 client of GETs (and POSTs) on one keep-alive connection.
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
	status, _, err := g.do("GET", path, "", nil, false)
	return status, err
}

// post sends body (JSON) to path with the bearer token and returns the
// response's status and, when it is not a success (2xx), its body.
func (g *rawGetter) post(path, token string, body []byte) (int, []byte, error) {
	return g.do("POST", path, token, body, true)
}

func (g *rawGetter) do(method, path, token string, body []byte, keep bool) (int, []byte, error) {
	if g.conn == nil {
		c, err := net.DialTimeout("tcp", g.addr, 10*time.Second)
		if err != nil {
			return 0, nil, err
		}
		g.conn, g.r = c, bufio.NewReaderSize(c, 16<<10)
	}
	status, got, err := g.roundTrip(method, path, token, body, keep)
	if err != nil {
		g.close() // the next request dials again
	}
	return status, got, err
}

func (g *rawGetter) roundTrip(method, path, token string, body []byte, keep bool) (int, []byte, error) {
	_ = g.conn.SetDeadline(time.Now().Add(10 * time.Second))
	g.req = append(append(append(append(g.req[:0], method...), ' '), path...), " HTTP/1.1\r\nHost: bench\r\n"...)
	if token != "" {
		g.req = append(append(append(g.req, "Authorization: Bearer "...), token...), "\r\n"...)
	}
	if body != nil {
		g.req = append(g.req, "Content-Type: application/json\r\nContent-Length: "...)
		g.req = append(strconv.AppendInt(g.req, int64(len(body)), 10), "\r\n"...)
	}
	g.req = append(append(g.req, "\r\n"...), body...)
	if _, err := g.conn.Write(g.req); err != nil {
		return 0, nil, err
	}
	status, err := readStatus(g.r)
	if err != nil {
		return 0, nil, err
	}
	length, closing := -1, false
	for {
		h, err := g.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
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
				return 0, nil, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, nil, errors.New("a chunked response: this client reads only responses with a Content-Length")
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			closing = true
		}
	}
	if length < 0 {
		return 0, nil, errors.New("a response without Content-Length")
	}
	var got []byte
	if keep && (status < 200 || status > 299) { // a failure's body, to show
		got = make([]byte, length)
		if _, err := io.ReadFull(g.r, got); err != nil {
			return 0, nil, err
		}
	} else if _, err := g.r.Discard(length); err != nil {
		return 0, nil, err
	}
	if closing {
		g.close()
	}
	return status, got, nil
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
