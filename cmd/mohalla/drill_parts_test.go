package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The drill's moving parts: the PostgreSQL the nodes reach through a proxy the
// test can cut, a Redis of the test's own, and mohalla serve processes.

// pgProxy forwards TCP connections to PostgreSQL. Cut closes every connection
// it carries and, until Restore, every new one as soon as it is accepted, as a
// server that is restarting does: clients see their connections end and new
// ones refused, and the shared server itself is never touched.
type pgProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
}

func startProxy(t *testing.T, target string) *pgProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.Cut()
	})
	return p
}

// Addr is the proxy's host:port.
func (p *pgProxy) Addr() string { return p.ln.Addr().String() }

func (p *pgProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *pgProxy) forward(c net.Conn) {
	if p.isCut() {
		c.Close()
		return
	}
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.cut { // cut while dialling
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = struct{}{}, struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done // either side ending ends both
	c.Close()
	up.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

func (p *pgProxy) isCut() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cut
}

// Cut ends every connection and refuses new ones until Restore.
func (p *pgProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Restore lets connections through again.
func (p *pgProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// redisServer is a redis-server of the test's own on a free port, never the
// shared one, so the test can stop it. It keeps nothing on disk: a restart
// starts empty, as a cache server that lost its memory does.
type redisServer struct {
	port int
	cmd  *exec.Cmd
}

func startRedis(t *testing.T) *redisServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &redisServer{port: ln.Addr().(*net.TCPAddr).Port}
	ln.Close()
	r.Start(t)
	t.Cleanup(r.Stop)
	return r
}

// URL is the server's redis:// URL.
func (r *redisServer) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

// Start runs the server on its port and waits until it answers PING.
func (r *redisServer) Start(t *testing.T) {
	t.Helper()
	r.cmd = exec.Command("redis-server", "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--loglevel", "warning")
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("redis-server: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.port), time.Second); err == nil {
			_, _ = c.Write([]byte("PING\r\n"))
			_ = c.SetReadDeadline(time.Now().Add(time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on port %d did not answer PING within 30 s", r.port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server, as a crash or an out-of-memory kill would.
func (r *redisServer) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

// serveProc is one mohalla serve process of the drill's cluster.
type serveProc struct {
	name, bin, addr string
	args, env       []string
	logPath         string

	cmd    *exec.Cmd
	exited chan struct{}
}

// URL is the node's base URL.
func (n *serveProc) URL() string { return "http://" + n.addr }

// Start runs the node and waits until it listens, which serve prints.
func (n *serveProc) Start(t *testing.T) {
	t.Helper()
	logs, err := os.OpenFile(n.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	cmd := exec.Command(n.bin, append([]string{"serve", "--addr", n.addr}, n.args...)...)
	cmd.Env, cmd.Stderr = n.env, logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n.cmd, n.exited = cmd, make(chan struct{})
	exited := n.exited
	go func() { _ = cmd.Wait(); close(exited) }()
	listening := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		listening <- line
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case line := <-listening:
		if !strings.HasPrefix(line, "mohalla serving on ") {
			t.Fatalf("%s printed %q on start; its log:\n%s", n.name, line, n.Log())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not listen within 60 s; its log:\n%s", n.name, n.Log())
	}
}

// Kill ends the node with SIGKILL and waits for it to be gone.
func (n *serveProc) Kill() {
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.exited
}

// Alive reports whether the process started last is still running.
func (n *serveProc) Alive() bool {
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

// Pid is the process id of the node's current process.
func (n *serveProc) Pid() int { return n.cmd.Process.Pid }

// Log is what the node wrote on stderr, for failure messages.
func (n *serveProc) Log() string {
	b, _ := os.ReadFile(n.logPath)
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	return string(b)
}

// buildBinary builds cmd/mohalla into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mohalla")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
