//go:build !linux

package live

import (
	"errors"
	"net"
	"syscall"
)

// rawConn returns nil: off Linux, the hub wakes each stream's goroutine to
// write (see the Linux file).
func rawConn(net.Conn) syscall.RawConn { return nil }

func writeNow(syscall.RawConn, []byte) (int, error) {
	return 0, errors.New("live: no direct writes on this system")
}
