package search

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// InUseError means another process, or another Index in this one, holds the
// index directory Dir. PID is the holder's process id, 0 if unknown.
type InUseError struct {
	Dir string
	PID int
}

func (e *InUseError) Error() string {
	switch e.PID {
	case 0:
		return fmt.Sprintf("index %s is in use by another process", e.Dir)
	case os.Getpid():
		return fmt.Sprintf("index %s is in use by this process (pid %d)", e.Dir, e.PID)
	}
	return fmt.Sprintf("index %s is in use by process %d", e.Dir, e.PID)
}

// lockFile is the directory's lock; its holder writes its pid there, so that
// the next process can say who holds it.
const lockFile = "LOCK"

// holder reads the pid the lock's holder wrote, or 0.
func holder(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, lockFile))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
