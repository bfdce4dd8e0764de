package helpers

import (
	"errors"
	"time"
)

// Probe is the near miss: the same shape in a file that does not import testing is production
// code, and its stranded goroutine is reported.
func Probe(check func() error) error {
	ready := make(chan error)
	go func() { // want `goroutine sends on ready, but the spawner can leave through case <-time.After`
		ready <- check()
	}()
	select {
	case err := <-ready:
		return err
	case <-time.After(5 * time.Second):
		return errors.New("not ready")
	}
}
