// Package cmd holds a whole server in the module's top-level cmd directory (minio's layout): its
// goroutines run per request, not once per invocation, and are checked.
package cmd

import (
	"errors"
	"time"
)

func restore() error { return nil }

func Restore(d time.Duration) error {
	done := make(chan error)
	go func() { // want `goroutine sends on done, but the spawner can leave through case <-time.After`
		done <- restore()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errors.New("timed out")
	}
}
