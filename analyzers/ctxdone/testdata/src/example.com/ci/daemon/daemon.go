// Package daemon parses its configuration with go-flags but declares no commands: a server, not a
// command package (the near miss of fly/commands).
package daemon

import (
	"errors"
	"time"

	flags "github.com/jessevdk/go-flags"
)

// Config is the daemon's configuration.
type Config struct {
	Listen string `long:"listen"`
}

// Load parses the command line into a Config.
func Load() (*Config, error) {
	var cfg Config
	_, err := flags.NewParser(&cfg, flags.Default).Parse()
	return &cfg, err
}

func probe() error { return nil }

// Check runs on every health request: a probe slower than the timeout strands its goroutine.
func Check(d time.Duration) error {
	done := make(chan error)
	go func() { // want `goroutine sends on done, but the spawner can leave through case <-time.After\(d\)`
		done <- probe()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errors.New("probe timed out")
	}
}
