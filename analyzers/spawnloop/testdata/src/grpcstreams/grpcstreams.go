// Package grpcstreams spawns per message of a gRPC stream. The stream's peer is another component
// of the same system (a scheduler, a query frontend, a control plane) that usually sends the next
// request only after the reply to the last, so this counts as input only with
// report-unknown-sources.
package grpcstreams

type Request struct{ Query string }

// requestStream is the shape of a generated gRPC stream: Recv beside RecvMsg.
type requestStream interface {
	Recv() (*Request, error)
	RecvMsg(m any) error
}

func handle(q string) {}

func process(s requestStream) error {
	for {
		req, err := s.Recv()
		if err != nil {
			return err
		}
		go handle(req.Query) // want `go statement in loop reading one item per s.Recv call starts one goroutine per item`
	}
}

// inOrder handles each request before reading the next: one at a time in either mode.
func inOrder(s requestStream) error {
	for {
		req, err := s.Recv()
		if err != nil {
			return err
		}
		handle(req.Query)
	}
}
