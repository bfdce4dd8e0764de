package decoder

import (
	"context"
	"errors"
	"net"
)

// ErrServerClosed stands in for net/http.ErrServerClosed.
var ErrServerClosed = errors.New("server closed")

// server stands in for net/http.Server: Serve returns ErrServerClosed once Shutdown or Close ran.
type server struct{}

func (*server) Serve(ln net.Listener) error        { return ErrServerClosed }
func (*server) Shutdown(ctx context.Context) error { return nil }
func (*server) Close() error                       { return nil }

type proxy struct{ srv *server }

// run is the serve-until-cancelled idiom: the goroutine reports only errors other than
// ErrServerClosed, and the spawner shuts the server down on its way out, so Serve returns
// ErrServerClosed and the goroutine has nothing to send.
func (p *proxy) run(ctx context.Context, ln net.Listener) error {
	errs := make(chan error)
	serve := p.srv.Serve
	go func() { // fine: after Shutdown, Serve's error is ErrServerClosed and the send is skipped
		if err := serve(ln); err != nil && err != ErrServerClosed {
			errs <- err
		}
	}()
	select {
	case <-ctx.Done():
	case err := <-errs:
		p.srv.Close()
		return err
	}
	return p.srv.Shutdown(context.Background())
}

// runAnyError is the near miss: the goroutine sends every Serve error, ErrServerClosed included,
// so after Shutdown it blocks on a send nobody receives.
func (p *proxy) runAnyError(ctx context.Context, ln net.Listener) error {
	errs := make(chan error)
	go func() { // reported with -ctxdone.server-errors (serveresult.go)
		if err := p.srv.Serve(ln); err != nil {
			errs <- err
		}
	}()
	select {
	case <-ctx.Done():
	case err := <-errs:
		return err
	}
	return p.srv.Shutdown(context.Background())
}
