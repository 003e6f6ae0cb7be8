package prometheus_test

import (
	"os/exec"
	"testing"
)

// TestAlertingRules checks the rules' syntax and runs their unit tests with
// promtool, which Debian's prometheus package provides (.ci/run installs it).
// It fails, not skips, without promtool: untested rules are not shipped.
func TestAlertingRules(t *testing.T) {
	t.Parallel()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is not installed (apt-get install prometheus): %v", err)
	}
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		out, err := exec.CommandContext(t.Context(), promtool, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("promtool %v: %v\n%s", args, err, out)
		}
	}
}
