package bench

import (
	"bytes"
	"fmt"
)

// sseParser reads a live stream's chunked HTTP body as it arrives, in pieces
// cut anywhere, and keeps when each change arrived. It reads as little as it
// can, since the load generator shares the machine's cores with the nodes:
// lines in place, of a change's data only the event's name and, for an
// order's, its id; no JSON is decoded. Of a line longer than maxSSELine (a
// snapshot's values) only the start is kept.
type sseParser struct {
	node int
	got  []liveReceipt
	// opened is set at the stream's first data line: its current values.
	opened bool
	// ended is set at the body's last chunk.
	ended bool

	// The chunked encoding: chunk is the data left of the chunk being read,
	// or -1 while reading a size line (sizeLine so far), or -2 after a
	// chunk's data, before its CRLF.
	chunk    int
	sizeLine []byte
	crlf     int

	line   []byte // the SSE line so far, at most maxSSELine bytes of it
	long   bool   // the line is longer than maxSSELine
	change bool   // the message being read is a change
}

const maxSSELine = 16 << 10

func newSSEParser(node int) *sseParser { return &sseParser{node: node, chunk: -1} }

// feed reads b, which arrived at at (Unix nanoseconds).
func (p *sseParser) feed(b []byte, at int64) error {
	for len(b) > 0 && !p.ended {
		switch {
		case p.chunk > 0:
			n := min(p.chunk, len(b))
			p.body(b[:n], at)
			b, p.chunk = b[n:], p.chunk-n
			if p.chunk == 0 {
				p.chunk, p.crlf = -2, 0
			}
		case p.chunk == -2: // the CRLF after a chunk's data
			if b[0] != '\r' && b[0] != '\n' {
				return fmt.Errorf("chunked body: want CRLF after a chunk, got %q", b[0])
			}
			b = b[1:]
			if p.crlf++; p.crlf == 2 {
				p.chunk = -1
			}
		default: // a size line
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				p.sizeLine = append(p.sizeLine, b...)
				if len(p.sizeLine) > 64 {
					return fmt.Errorf("chunked body: a size line of %d bytes", len(p.sizeLine))
				}
				return nil
			}
			p.sizeLine = append(p.sizeLine, b[:i]...)
			b = b[i+1:]
			size, err := chunkSize(p.sizeLine)
			p.sizeLine = p.sizeLine[:0]
			if err != nil {
				return err
			}
			if size == 0 {
				p.ended = true
				return nil
			}
			p.chunk = size
		}
	}
	return nil
}

// chunkSize reads a chunk's size line (hexadecimal, perhaps with extensions
// after ';', and CR).
func chunkSize(l []byte) (int, error) {
	l, _, _ = bytes.Cut(bytes.TrimRight(l, "\r"), []byte(";"))
	l = bytes.TrimSpace(l)
	if len(l) == 0 || len(l) > 8 {
		return 0, fmt.Errorf("chunked body: bad size line %q", l)
	}
	n := 0
	for _, c := range l {
		switch {
		case '0' <= c && c <= '9':
			n = n<<4 | int(c-'0')
		case 'a' <= c && c <= 'f':
			n = n<<4 | int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			n = n<<4 | int(c-'A'+10)
		default:
			return 0, fmt.Errorf("chunked body: bad size line %q", l)
		}
	}
	return n, nil
}

// body reads a piece of the SSE stream.
func (p *sseParser) body(b []byte, at int64) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.keep(b)
			return
		}
		var line []byte
		if len(p.line) == 0 && !p.long {
			line = b[:i+1] // the whole line is in b: read in place
		} else {
			p.keep(b[:i+1])
			line = p.line
		}
		p.sse(line, at)
		p.line, p.long = p.line[:0], false
		b = b[i+1:]
	}
}

func (p *sseParser) keep(b []byte) {
	if room := maxSSELine - len(p.line); len(b) > room {
		b, p.long = b[:room], true
	}
	p.line = append(p.line, b...)
}

// sse reads one line of the stream; a long one's start only.
func (p *sseParser) sse(line []byte, at int64) {
	switch {
	case len(line) == 1: // the blank line that ends a message
		p.change = false
	case bytes.HasPrefix(line, []byte("event: ")):
		p.change = bytes.Equal(line, []byte("event: change\n"))
	case bytes.HasPrefix(line, []byte("data: ")):
		if !p.change {
			p.opened = true
			return
		}
		// Every change counts as received; an order's also has a latency.
		p.got = append(p.got, liveReceipt{Node: p.node, At: at, Order: orderOf(line)})
	}
}
