// Package testlog holds what tests need to read the logs of code that logs
// from many goroutines.
package testlog

import (
	"bytes"
	"sync"
)

// Buffer is a log sink safe for concurrent writes, read whole by String.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
