package cmdlib

import (
	"bufio"
	"context"
	"io"
)

// Prompt reads answers from a terminal. Ask is library code that a long-running command can call
// many times: a reader whose Ask gave up on its context stays blocked on its send.
type Prompt struct {
	in      io.Reader
	answers chan string
}

func NewPrompt(in io.Reader) *Prompt { return &Prompt{in: in, answers: make(chan string)} }

func (p *Prompt) Ask(ctx context.Context) (string, error) {
	go func() {
		line, _ := bufio.NewReader(p.in).ReadString('\n')
		p.answers <- line // want `goroutine running a function literal in \(\*Prompt\).Ask sends on field answers, but every receive from it is a select case with another way out`
	}()
	select {
	case a := <-p.answers:
		return a, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
