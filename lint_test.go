package mohalla_test

import (
	"os/exec"
	"testing"
)

// TestStaticcheck runs staticcheck, pinned in go.mod as a tool, over the whole
// module, so a new finding fails the test command as a vet error would. A
// finding that is right to keep says why with a //lint:ignore comment.
func TestStaticcheck(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), "go", "tool", "staticcheck", "./...")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("staticcheck: %v\n%s", err, out)
	}
}
