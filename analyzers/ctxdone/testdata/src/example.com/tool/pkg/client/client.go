// Package client is the near miss of pkg/cmd/stats: the same shape in a library of the module.
package client

import (
	"errors"
	"time"
)

func poll() error { return nil }

func Stats(d time.Duration) error {
	done := make(chan error)
	go func() { // want `goroutine sends on done, but the spawner can leave through case <-time.After`
		done <- poll()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errors.New("timed out")
	}
}
