// Package helpers holds test helpers kept in ordinary files: this file imports testing, so its
// goroutines are test code, left out unless include-tests is set.
package helpers

import (
	"errors"
	"testing"
	"time"
)

// WaitReady is a test helper: it gives up after a timeout, and every caller then fails the test.
// The goroutine stranded on ready is a leak only in a test that has already failed.
func WaitReady(t testing.TB, probe func() error) error {
	t.Helper()
	ready := make(chan error)
	go func() { // fine by default: a test helper (the file imports testing)
		ready <- probe()
	}()
	select {
	case err := <-ready:
		return err
	case <-time.After(5 * time.Second):
		return errors.New("not ready")
	}
}
