// Package serverstop holds servers run in a goroutine that reports the error ending them, while
// the spawner waits for that error or a stop signal. On the stop path the spawner stops the
// server first: where the goroutine's guard then excludes the error that stop produces, it never
// sends, and nothing leaks.
package serverstop

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	pkgerrors "github.com/pkg/errors"
	"google.golang.org/grpc"
)

// runHTTP shuts the server down on ctx.Done(); ListenAndServe then returns ErrServerClosed,
// which the guard leaves out.
func runHTTP(ctx context.Context, srv *http.Server) error {
	errCh := make(chan error)
	go func() { // fine: after Shutdown the guard stops the send
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errCh <- err
		}
	}()
	select {
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	case err := <-errCh:
		return err
	}
}

// serveGuarded tests the closed error with github.com/pkg/errors' Is, in an if of its own.
func serveGuarded(stop <-chan struct{}, srv *http.Server, lis net.Listener) error {
	errCh := make(chan error)
	go func() { // fine: after Close the inner guard stops the send
		if err := srv.Serve(lis); err != nil {
			if !pkgerrors.Is(err, http.ErrServerClosed) {
				errCh <- err
			}
		}
	}()
	select {
	case <-stop:
		return srv.Close()
	case err := <-errCh:
		return err
	}
}

// component keeps its gRPC server in a field; Serve returns nil after GracefulStop.
type component struct {
	server *grpc.Server
}

func (c *component) Start(stop <-chan struct{}, lis net.Listener) error {
	errCh := make(chan error)
	go func() { // fine: GracefulStop makes Serve return nil
		defer close(errCh)
		if err := c.server.Serve(lis); err != nil {
			errCh <- err
		}
	}()
	select {
	case <-stop:
		c.server.GracefulStop()
		return nil
	case err := <-errCh:
		return err
	}
}

// ---- near misses ----

// runHTTPAnyError sends every error, ErrServerClosed included: after Shutdown the goroutine
// sends it and nobody receives.
func runHTTPAnyError(ctx context.Context, srv *http.Server) error {
	errCh := make(chan error)
	go func() { // reported with -ctxdone.server-errors (serveresult.go)
		if err := srv.ListenAndServe(); err != nil {
			errCh <- err
		}
	}()
	select {
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	case err := <-errCh:
		return err
	}
}

// componentTimeout can also leave on a timer without stopping the server: a later failure of
// the server is sent to nobody.
func (c *component) componentTimeout(stop <-chan struct{}, lis net.Listener) error {
	errCh := make(chan error)
	go func() { // reported with -ctxdone.server-errors (serveresult.go)
		if err := c.server.Serve(lis); err != nil {
			errCh <- err
		}
	}()
	select {
	case <-stop:
		c.server.GracefulStop()
		return nil
	case <-time.After(time.Second):
		return errors.New("not started in time")
	case err := <-errCh:
		return err
	}
}

// stopOther stops a different server than the one the goroutine runs.
func stopOther(stop <-chan struct{}, a, b *grpc.Server, lis net.Listener) error {
	errCh := make(chan error)
	go func() { // reported with -ctxdone.server-errors (serveresult.go)
		if err := a.Serve(lis); err != nil {
			errCh <- err
		}
	}()
	select {
	case <-stop:
		b.GracefulStop()
		return nil
	case err := <-errCh:
		return err
	}
}

type worker struct{}

func (worker) Run(ctx context.Context) error { return nil }

// runWorker is the near miss of the servers above: a worker's Run ends with its own work, not
// only when something closes it, so a spawner that left through its stop case strands the send
// while the process goes on.
func runWorker(stop <-chan struct{}, w worker) error {
	errCh := make(chan error)
	go func() { // want `goroutine sends on errCh, but the spawner can leave through case <-stop`
		errCh <- w.Run(context.Background())
	}()
	select {
	case <-stop:
		return nil
	case err := <-errCh:
		return err
	}
}
