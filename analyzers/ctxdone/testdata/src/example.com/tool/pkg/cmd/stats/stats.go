// Package stats implements a command of a CLI below its module's cmd directory (nerdctl's
// pkg/cmd/container): it runs once per invocation, so what it strands waits only while the
// process exits. Not reported by default (include-main reports it).
package stats

import (
	"errors"
	"time"
)

func poll() error { return nil }

// Stats gives up after d; the poller it leaves behind dies with the process.
func Stats(d time.Duration) error {
	done := make(chan error)
	go func() { // not reported: a command's action
		done <- poll()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errors.New("timed out")
	}
}
