// Package lib exports functions whose goroutines never end, for package app.
package lib

import "context"

// Message is a unit of work.
type Message struct{ Body string }

// Pump forwards messages forever and ignores its context.
func Pump(ctx context.Context, in <-chan Message, out chan<- Message) { // want Pump:"forever\\(blocking on in, out; ignores ctx\\)" Pump:"chanparams\\(2:sends\\)"
	for {
		m := <-in
		out <- m
	}
}

// PumpCtx is fine: it returns on cancellation.
func PumpCtx(ctx context.Context, in <-chan Message, out chan<- Message) { // want PumpCtx:"chanparams\\(2:sends\\)"
	for {
		select {
		case m := <-in:
			out <- m
		case <-ctx.Done():
			return
		}
	}
}

// Drain consumes in until it is closed.
func Drain(in <-chan Message) { // want Drain:"chanparams\\(0:drains\\)"
	for m := range in {
		_ = m
	}
}

// Reply sends one answer.
func Reply(ctx context.Context, out chan<- Message) { // want Reply:"chanparams\\(1:sends=1\\+final\\)"
	out <- Message{Body: "ok"}
}

// Server owns a loop method.
type Server struct {
	ctx  context.Context
	reqs chan Message
}

// Loop ignores the server's context field.
func (s *Server) Loop() { // want Loop:"forever\\(receiving from s.reqs; ignores s.ctx\\)"
	for {
		m := <-s.reqs
		_ = m
	}
}
