//go:build !unix

package search

import "os"

// lockDir is a no-op where flock is missing: each generation's own file lock
// still keeps a second process out of a built index.
func lockDir(string) (*os.File, error) { return nil, nil }
