// Package cmdpkg is a command package: it builds a cobra command tree, and its actions run once
// per process invocation. A goroutine an action strands waits only while the process exits.
package cmdpkg

import (
	"errors"
	"time"

	"cmdlib"

	"github.com/spf13/cobra"
)

func diagnose() error { return nil }

// NewDiagnoseCmd's action gives up after a timeout and the process exits right after.
func NewDiagnoseCmd() *cobra.Command {
	return &cobra.Command{
		Use: "diagnose",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiagnose(10 * time.Second)
		},
	}
}

func runDiagnose(d time.Duration) error {
	if err := cmdlib.Forward(d); err != nil {
		return err
	}
	done := make(chan error)
	go func() { // fine by default: a command action, run once before the process exits
		done <- diagnose()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errors.New("timed out")
	}
}
