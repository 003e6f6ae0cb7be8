package live

import (
	"net"
	"os"
	"syscall"
	"unsafe"
)

// rawConn returns conn's socket, if the hub may write to it itself
// (streamOut.tryWrite): a TCP or Unix socket's.
func rawConn(conn net.Conn) syscall.RawConn {
	var (
		rc  syscall.RawConn
		err error
	)
	switch c := conn.(type) {
	case *net.TCPConn:
		rc, err = c.SyscallConn()
	case *net.UnixConn:
		rc, err = c.SyscallConn()
	default:
		return nil // a wrapper (TLS) writes bytes of its own
	}
	if err != nil {
		return nil
	}
	return rc
}

// writeNow writes as much of b to the socket as it takes at once, without
// waiting, and returns how much that was. The socket is non-blocking (the
// runtime's network poller made it so), so the write never blocks, and it
// is made as a raw system call: a goroutine making hundreds of them in a
// row (the hub's, at one change to hundreds of streams) keeps its processor,
// where the runtime hands the processor of a goroutine in an ordinary
// system call to another after 20 µs, and the goroutine then waits to run
// again behind the queue at each write.
func writeNow(rc syscall.RawConn, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var (
		n     uintptr
		errno syscall.Errno
	)
	err := rc.Write(func(fd uintptr) bool {
		n, _, errno = syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		return true // never wait for the socket: the stream's goroutine does
	})
	switch {
	case err != nil:
		return 0, err
	case errno == syscall.EAGAIN || errno == syscall.EINTR:
		return 0, nil
	case errno != 0:
		return 0, os.NewSyscallError("write", errno)
	}
	return int(n), nil
}
