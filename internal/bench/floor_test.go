package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The copies built in must be the reference's, byte for byte, wherever the
// reference sits beside the repository (as ../shared/bench does in CI).
func TestFloorFilesMatchTheReference(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "bench")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("no reference beside the repository (%v): the built-in copies are all there is", err)
	}
	for _, f := range []string{floorSchema, floorScript} {
		want, err := os.ReadFile(filepath.Join(ref, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := floorFiles.ReadFile("floor/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("bench/floor/%s differs from %s: copy the reference in", f, filepath.Join(ref, f))
		}
	}
}
