package browsertest

import (
	"path/filepath"
	"testing"
	"time"
)

// TestLockSerializes: a second holder of the install lock waits for the first.
func TestLockSerializes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "install.lock")
	unlock, err := lock(path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func())
	go func() {
		second, err := lock(path)
		if err != nil {
			t.Error(err)
			second = func() {}
		}
		got <- second
	}()
	select {
	case second := <-got:
		second()
		t.Fatal("a second process took the lock while the first held it")
	case <-time.After(200 * time.Millisecond):
	}
	unlock()
	select {
	case second := <-got:
		second()
	case <-time.After(10 * time.Second):
		t.Fatal("the lock was not handed on after the first let go")
	}
}
