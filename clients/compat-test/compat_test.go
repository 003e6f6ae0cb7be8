// Package compattest runs the Node suite beside it, which proves the
// Typesense and Inngest compatibility APIs with those products' official
// clients from npm, against a built mohalla serve. It is a Go test so that
// the README's one test command, and CI, run it too.
package compattest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mohallamart/mohalla/browsertest"
)

// TestOfficialClients builds the mohalla command, installs the suite's
// dependencies from its committed lockfile (npm ci, once per lockfile), and
// runs node --test, with headless Chromium for the InstantSearch page
// (installed by browsertest if missing). Node and npm are required: without
// them the test fails, it does not skip.
func TestOfficialClients(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node (20 or later) is needed to run the official clients' suite: apt-get install nodejs npm")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm is needed to install the official clients: apt-get install npm")
	}
	chromium, err := browsertest.Chromium()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "mohalla")
	run(t, ".", "go", "build", "-o", bin, "../../cmd/mohalla")
	installOnce(t, npm)
	cmd := exec.CommandContext(t.Context(), node, "--test", "--test-reporter=spec")
	cmd.Env = append(os.Environ(), "MOHALLA_BIN="+bin, "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("node --test:\n%s", out)
}

// installOnce runs npm ci unless node_modules was installed from this very
// lockfile: npm ci deletes and refetches everything, which takes a minute.
func installOnce(t *testing.T, npm string) {
	t.Helper()
	lock, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	stamp := filepath.Join("node_modules", ".mohalla-lock-sha256")
	want := []byte(hex.EncodeToString(sum[:]))
	if got, err := os.ReadFile(stamp); err == nil && bytes.Equal(got, want) {
		return
	}
	run(t, ".", npm, "ci", "--no-audit", "--no-fund")
	if err := os.WriteFile(stamp, want, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
