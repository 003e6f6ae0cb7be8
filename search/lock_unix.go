//go:build unix

package search

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// lockDir takes this process's lock on the index directory dir, held until the
// returned file is closed. Another process's index in dir (even one still
// building its first generation, which no other lock covers yet) is never
// read, removed or built over: lockDir fails at once while another holds it.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &InUseError{Dir: dir, PID: holder(dir)}
		}
		return nil, err
	}
	// The pid is only a name for the error above: a failure to write it
	// leaves the lock as good.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}
