// Package commands holds a CLI's go-flags commands (types with Execute(args []string) error): a
// command package, whose actions run once before the process exits.
package commands

import (
	"errors"
	"time"

	flags "github.com/jessevdk/go-flags"
)

// LoginCommand logs in to a server.
type LoginCommand struct {
	URL string `long:"url"`
}

var _ flags.Commander = (*LoginCommand)(nil)

func waitForToken() string { return "token" }

// Execute waits for a token from the browser or gives up; the process exits right after.
func (c *LoginCommand) Execute(args []string) error {
	tokens := make(chan string)
	go func() { // fine by default: a command's action, run once before the process exits
		tokens <- waitForToken()
	}()
	select {
	case t := <-tokens:
		_ = t
		return nil
	case <-time.After(time.Minute):
		return errors.New("timed out waiting for a token")
	}
}
