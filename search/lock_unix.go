//go:build unix

package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes this process's lock on the index directory dir, held until the
// returned file is closed. Another process's index in dir (even one still
// building its first generation, which no other lock covers yet) is never
// read, removed or built over: lockDir fails at once while another holds it.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("index %s is in use by another process", dir)
		}
		return nil, err
	}
	return f, nil
}
