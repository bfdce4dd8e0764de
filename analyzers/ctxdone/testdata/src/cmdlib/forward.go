// Package cmdlib is called by a command package but does not import a command-line framework: it
// is library code that a long-running command can call many times, and is still checked.
package cmdlib

import (
	"errors"
	"time"
)

func dial() error { return nil }

// Forward is the near miss of cmdpkg: the same shape outside the command package.
func Forward(d time.Duration) error {
	done := make(chan error)
	go func() { // want `goroutine sends on done, but the spawner can leave through case <-time.After`
		done <- dial()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errors.New("timed out")
	}
}
