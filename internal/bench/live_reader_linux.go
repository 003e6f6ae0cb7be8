package bench

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// liveReader reads every stream of a client process from one goroutine
// waiting in epoll_wait, level-triggered, on descriptors of its own (dups of
// the connections', which are closed, so Go's poller no longer watches
// them). Per change a stream's goroutine reading its connection made two
// read syscalls (the change, then EAGAIN before parking) and a wake-up
// through the poller; this makes one read, and shares each epoll_wait among
// the streams ready at once.
type liveReader struct {
	epfd    int
	streams map[int]*sseBenchClient // by descriptor

	firstError // of a read
}

func newLiveReader(clients []*sseBenchClient) (_ *liveReader, err error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	r := &liveReader{epfd: epfd, streams: make(map[int]*sseBenchClient, len(clients))}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	for _, cl := range clients {
		sc, ok := cl.conn.(syscall.Conn)
		if !ok {
			return nil, fmt.Errorf("a %T has no descriptor", cl.conn)
		}
		rc, err := sc.SyscallConn()
		if err != nil {
			return nil, err
		}
		fd := -1
		var dupErr error
		if err := rc.Control(func(s uintptr) { fd, dupErr = dupCloexec(int(s)) }); err != nil {
			return nil, err
		}
		if dupErr != nil {
			return nil, fmt.Errorf("dup: %w", dupErr)
		}
		_ = cl.conn.Close() // the dup holds the connection open
		cl.conn = nil
		r.streams[fd] = cl
		if err := syscall.SetNonblock(fd, true); err != nil {
			return nil, err
		}
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}
		if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
			return nil, fmt.Errorf("epoll_ctl: %w", err)
		}
	}
	return r, nil
}

func dupCloexec(fd int) (int, error) {
	nfd, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(nfd), nil
}

// run reads the streams until ctx ends, then closes them.
func (r *liveReader) run(ctx context.Context) {
	defer r.close()
	events := make([]syscall.EpollEvent, 256)
	buf := make([]byte, 64<<10)
	for ctx.Err() == nil {
		n, err := syscall.EpollWait(r.epfd, events, 100)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			r.fail(fmt.Errorf("epoll_wait: %w", err))
			return
		}
		for _, ev := range events[:n] {
			fd := int(ev.Fd)
			cl := r.streams[fd]
			if cl == nil {
				continue
			}
			m, err := syscall.Read(fd, buf)
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
				continue
			}
			if m > 0 {
				err = cl.p.feed(buf[:m], time.Now().UnixNano())
			}
			if m == 0 || err != nil || cl.p.ended { // the stream ended
				if err != nil {
					r.fail(err)
				}
				r.drop(fd)
			}
		}
	}
}

func (r *liveReader) drop(fd int) {
	_ = syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	_ = syscall.Close(fd)
	r.streams[fd] = nil // its receipts stay
}

func (r *liveReader) close() {
	for fd, cl := range r.streams {
		if cl != nil {
			_ = syscall.Close(fd)
		}
	}
	_ = syscall.Close(r.epfd)
}
