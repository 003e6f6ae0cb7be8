// Package jsclienttest runs the tests of the TypeScript client in clients/js
// (node's test runner, against real servers this package's binary serves) as
// part of go test ./..., so the one test command covers the client too.
package jsclienttest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestClient builds mohalla, installs the client's npm dependencies from its
// lockfile (npm ci, skipped while node_modules matches the lockfile) and runs
// npm test: the contract (the committed document and types are current and
// lint clean), every facade call, and live resume. Without node and npm it
// fails: the client is part of what this repository ships.
func TestClient(t *testing.T) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to test clients/js (apt-get install -y nodejs npm): %v", tool, err)
		}
	}
	dir, err := filepath.Abs("../js")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "mohalla")
	run(t, "..", 10*time.Minute, nil, "go", "build", "-o", bin, "../cmd/mohalla")
	if stale(t, dir) {
		run(t, dir, 10*time.Minute, nil, "npm", "ci", "--no-audit", "--no-fund")
	}
	t.Run("npm test", func(t *testing.T) {
		run(t, dir, 15*time.Minute, []string{"MOHALLA_BIN=" + bin}, "npm", "test")
	})
	t.Run("useProduct in Chromium", func(t *testing.T) {
		run(t, dir, 5*time.Minute, nil, "npm", "run", "build:example")
		testProductPage(t, bin, filepath.Join(dir, "dist", "example"))
	})
}

// stale reports whether node_modules must be installed again: npm keeps a
// copy of the lockfile it installed as node_modules/.package-lock.json.
func stale(t *testing.T, dir string) bool {
	t.Helper()
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatalf("clients/js has no lockfile: %v", err)
	}
	installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	return err != nil || installed.ModTime().Before(lock.ModTime())
}

// run runs name with args in dir, failing the test with its output if it
// fails. Its whole process group is killed at the deadline or when the test
// ends, so no server it started outlives it.
func run(t *testing.T, dir string, timeout time.Duration, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true",
		"NO_UPDATE_NOTIFIER=1", "npm_config_update_notifier=false"}, env...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // anything it left behind
	}
	if err != nil {
		t.Fatalf("%s %v in %s: %v\n%s", name, args, dir, err, out.Bytes())
	}
	t.Logf("%s %v: ok", name, args)
}
