package importer

import (
	"encoding/json"
	"io"
	"os"
	"slices"
	"sync/atomic"
)

func loadState(path string) (state, error) {
	var st state
	b, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(b, &st)
}

// saveState writes st to path whole or not at all: an interruption leaves
// the last state written.
func saveState(path string, st state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// countingReader counts the bytes read through it, for progress by size.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func slicesSortByLine(errs []RowError) {
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Line - b.Line })
}
