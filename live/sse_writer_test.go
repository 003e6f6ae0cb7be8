package live

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http/httputil"
	"runtime"
	"testing"
	"time"
)

// tcpPair returns the two ends of a TCP connection on the loopback, the
// server's with a small send buffer and the client's with a small receive
// buffer, so that a client that does not read fills them in a few KiB.
func tcpPair(t *testing.T) (server, client *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		done <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-done
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	server, client = s.(*net.TCPConn), c.(*net.TCPConn)
	_ = server.SetWriteBuffer(2048)
	_ = client.SetReadBuffer(1024)
	return server, client
}

// writerOn returns a writer of the stream on conn, as takeOver leaves it.
func writerOn(conn net.Conn, timeout time.Duration) *sseWriter {
	sw := &sseWriter{conn: conn, raw: rawConn(conn), head: chunkHead, timeout: timeout}
	sw.reset()
	return sw
}

// TestFlushNowLeavesTheRestToFlush: the hub's writes that never wait write
// what the socket takes, and flush, the stream goroutine's, writes the rest
// first: the client reads every message once, in order, in well-formed
// chunks.
func TestFlushNowLeavesTheRestToFlush(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the hub writes to the streams itself on Linux only")
	}
	server, client := tcpPair(t)
	sw := writerOn(server, time.Minute)
	var want bytes.Buffer
	full := false
	for i := 0; i < 10_000 && !full; i++ {
		msg := fmt.Appendf(nil, "id: %d\nevent: change\ndata: {\"n\":%d,\"pad\":%q}\n\n", i, i, bytes.Repeat([]byte("x"), 300))
		want.Write(msg)
		sw.frame(frame{msg: msg})
		full = !sw.flushNow()
	}
	if !full || len(sw.pending) == 0 || sw.err != nil {
		t.Fatalf("the socket never filled: pending %d bytes, err %v", len(sw.pending), sw.err)
	}
	if sw.flushNow() {
		t.Fatal("flushNow wrote past bytes left pending")
	}
	read := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(httputil.NewChunkedReader(client))
		read <- b
	}()
	msg := []byte("id: last\nevent: change\ndata: {}\n\n")
	want.Write(msg)
	sw.frame(frame{msg: msg})
	if !sw.flush() {
		t.Fatalf("flush: %v", sw.err)
	}
	sw.close()
	if got := <-read; !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("the client read %d bytes, not the %d written in order", len(got), want.Len())
	}
}

// TestFlushNowAfterTheDeadline: a stream the hub alone writes to for longer
// than the write timeout still takes its writes: the deadline, which an
// expired one fails even a write that need not wait, is moved as by flush.
func TestFlushNowAfterTheDeadline(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the hub writes to the streams itself on Linux only")
	}
	server, client := tcpPair(t)
	const timeout = 500 * time.Millisecond
	sw := writerOn(server, timeout)
	for i := range 3 {
		time.Sleep(timeout + 100*time.Millisecond) // past the deadline set before
		sw.frame(frame{msg: fmt.Appendf(nil, "id: %d\n\n", i)})
		if i == 0 && !sw.flush() { // the stream's goroutine's write sets a deadline
			t.Fatalf("write %d: %v", i, sw.err)
		}
		if i > 0 && !sw.flushNow() {
			t.Fatalf("write %d: %v", i, sw.err)
		}
	}
	sw.close()
	got, err := io.ReadAll(httputil.NewChunkedReader(client))
	if err != nil || !bytes.Equal(got, []byte("id: 0\n\nid: 1\n\nid: 2\n\n")) {
		t.Fatalf("read %q, %v", got, err)
	}
}
