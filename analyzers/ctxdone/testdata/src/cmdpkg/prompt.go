package cmdpkg

import (
	"bufio"
	"context"
	"io"

	"github.com/spf13/cobra"
)

// prompt is cmdlib.Prompt inside the command package: the reader an interrupted prompt strands
// waits only while the command's process exits (terraform's UIInput, held-out run 22).
type prompt struct {
	in      io.Reader
	answers chan string
}

func newPrompt(in io.Reader) *prompt { return &prompt{in: in, answers: make(chan string)} }

func (p *prompt) ask(ctx context.Context) (string, error) {
	go func() {
		line, _ := bufio.NewReader(p.in).ReadString('\n')
		p.answers <- line // fine by default: a command's goroutine, stranded only while the process exits
	}()
	select {
	case a := <-p.answers:
		return a, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// session's wait is on the command's own path, not in a goroutine: nothing sends on ready or
// closes it, so the command itself hangs. That is reported in a command package too.
type session struct{ ready chan struct{} }

func newSession() *session { return &session{ready: make(chan struct{})} }

func (s *session) wait() {
	<-s.ready // want `receive from field ready blocks forever: nothing in this package sends on it or closes it`
}

func NewLoginCmd(in io.Reader) *cobra.Command {
	return &cobra.Command{
		Use: "login",
		RunE: func(cmd *cobra.Command, args []string) error {
			newSession().wait()
			_, err := newPrompt(in).ask(context.Background())
			return err
		},
	}
}
