// Package premature holds the premature-return leak: a goroutine sends its result on an
// unbuffered channel, and the spawner can leave without receiving it.
package premature

import (
	"context"
	"errors"
	"time"
)

// httpServer stands in for net/http.Server (kept local so the test loads fast).
type httpServer struct{}

func (*httpServer) ListenAndServe() error              { return nil }
func (*httpServer) Shutdown(ctx context.Context) error { return nil }

func httpGet(url string) ([]byte, error) { return nil, nil }

type result struct {
	body []byte
	err  error
}

func get(ctx context.Context, url string) result { return result{} }

// fetch leaves through ctx.Done(): the goroutine's send has no receiver.
func fetch(ctx context.Context, url string) ([]byte, error) {
	ch := make(chan result)
	go func() { // want `goroutine sends on ch, but the spawner can leave through case <-ctx.Done\(\) and return at line \d+ without receiving from it: the goroutine blocks forever and leaks`
		ch <- get(ctx, url)
	}()
	select {
	case r := <-ch:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetchBuffered is fine: the buffer holds the one send, so the goroutine finishes even when
// nobody receives.
func fetchBuffered(ctx context.Context, url string) ([]byte, error) {
	ch := make(chan result, 1)
	go func() {
		ch <- get(ctx, url)
	}()
	select {
	case r := <-ch:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetchGuarded is fine: the goroutine's send is itself a select case with a way out.
func fetchGuarded(ctx context.Context, url string) ([]byte, error) {
	ch := make(chan result)
	go func() {
		select {
		case ch <- get(ctx, url):
		case <-ctx.Done():
		}
	}()
	select {
	case r := <-ch:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// withTimeout leaves through time.After.
func withTimeout(url string, d time.Duration) error {
	errc := make(chan error)
	go func() { // want `goroutine sends on errc, but the spawner can leave through case <-time.After\(d\)`
		_, err := httpGet(url)
		errc <- err
	}()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		return errors.New("timeout")
	}
}

func validate(s string) error { return nil }

// earlyReturn returns on an error path before it receives.
func earlyReturn(ctx context.Context, url string) ([]byte, error) {
	done := make(chan result)
	go fetchInto(ctx, url, done) // want `goroutine sends on done, but the spawner can return at line \d+ without receiving from it`
	if err := validate(url); err != nil {
		return nil, err
	}
	r := <-done
	return r.body, r.err
}

// fetchInto sends once on out; the spawner must receive.
func fetchInto(ctx context.Context, url string, out chan<- result) { // want fetchInto:"chanparams\\(2:sends=1\\+final\\)"
	out <- get(ctx, url)
}

// receiveAlways is fine: every path from the go statement receives.
func receiveAlways(ctx context.Context, url string) ([]byte, error) {
	done := make(chan result)
	go fetchInto(ctx, url, done)
	if err := validate(url); err != nil {
		<-done // drain before leaving
		return nil, err
	}
	r := <-done
	return r.body, r.err
}

// closer is fine: the goroutine closes done instead of sending, and close never blocks.
func closer(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(time.Millisecond)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fanIn starts one goroutine per URL and gives up on cancellation: the remaining senders leak.
// No fix is offered: the number of sends is not a constant.
func fanIn(ctx context.Context, urls []string) ([]result, error) {
	ch := make(chan result)
	for _, u := range urls {
		go func() { // want `goroutines send on ch, but the spawner can leave through case <-ctx.Done\(\)`
			ch <- get(ctx, u)
		}()
	}
	var out []result
	for range urls {
		select {
		case r := <-ch:
			out = append(out, r)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return out, nil
}

// fanInAll is fine: the receive loop runs once per goroutine and has no other way out.
func fanInAll(ctx context.Context, urls []string) []result {
	ch := make(chan result)
	for _, u := range urls {
		go func() {
			ch <- get(ctx, u)
		}()
	}
	var out []result
	for range urls {
		out = append(out, <-ch)
	}
	return out
}

// fanInSized is fine: the buffer is as large as the input (not a constant, so the check cannot
// count, and stays silent).
func fanInSized(ctx context.Context, urls []string) ([]result, error) {
	ch := make(chan result, len(urls))
	for _, u := range urls {
		go func() { ch <- get(ctx, u) }()
	}
	var out []result
	for range urls {
		select {
		case r := <-ch:
			out = append(out, r)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return out, nil
}

// retry makes a new channel per attempt and moves on after a timeout: the previous attempt's
// goroutine is never received from.
func retry(urls []string) []byte {
	for _, u := range urls {
		ch := make(chan []byte)
		go func() { // want `goroutine sends on ch, but the spawner can leave through case <-time.After\(time.Second\) and start the next iteration`
			r := get(context.Background(), u)
			ch <- r.body
		}()
		select {
		case b := <-ch:
			return b
		case <-time.After(time.Second):
		}
	}
	return nil
}

type server struct{ errc chan error }

// escapes is fine for this check: the channel is stored in a struct, someone else may receive.
func escapes(ctx context.Context) *server {
	errc := make(chan error)
	go func() { errc <- nil }()
	return &server{errc: errc}
}

// twoSends sends twice with capacity one: the second send blocks when the spawner leaves.
func twoSends(ctx context.Context) error {
	progress := make(chan int, 1)
	go func() { // want `goroutines send on progress, but the spawner can leave through case <-ctx.Done\(\)`
		progress <- 1
		progress <- 2
	}()
	for i := 0; i < 2; i++ {
		select {
		case <-progress:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// serve shuts the server down on cancellation and never collects ListenAndServe's error.
func serve(ctx context.Context, srv *httpServer) error {
	errCh := make(chan error)
	go func() { errCh <- srv.ListenAndServe() }() // reported with -ctxdone.server-errors (serveresult.go)
	select {
	case err := <-errCh:
		return err
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	}
}

// serveDrain is fine: after Shutdown it receives ListenAndServe's error.
func serveDrain(ctx context.Context, srv *httpServer) error {
	errCh := make(chan error)
	go func() { errCh <- srv.ListenAndServe() }()
	select {
	case err := <-errCh:
		return err
	case <-ctx.Done():
		err := srv.Shutdown(context.Background())
		<-errCh
		return err
	}
}

// start waits for a start signal that the error path never sends.
func start(ctx context.Context, url string) error {
	ready := make(chan struct{})
	go func() { // want `goroutine waits to receive from ready, but the spawner can return at line \d+ without sending on it or closing it`
		<-ready
		get(ctx, url)
	}()
	if err := validate(url); err != nil {
		return err
	}
	close(ready)
	return nil
}

// startDeferred is fine: the deferred close runs on every way out.
func startDeferred(ctx context.Context, url string) error {
	ready := make(chan struct{})
	defer close(ready)
	go func() {
		<-ready
		get(ctx, url)
	}()
	if err := validate(url); err != nil {
		return err
	}
	return nil
}

// panics is fine: the only path without a receive panics.
func panics(ctx context.Context, url string) result {
	ch := make(chan result)
	go func() { ch <- get(ctx, url) }()
	if url == "" {
		panic("no url")
	}
	return <-ch
}

// acceptOne is fine: the two sends are on exclusive paths, so the buffer of one holds whichever
// happens.
func acceptOne(ctx context.Context, accept func() (string, error)) (string, error) {
	ch := make(chan any, 1)
	go func() {
		conn, err := accept()
		if err != nil {
			ch <- err
			return
		}
		ch <- conn
	}()
	select {
	case v := <-ch:
		if err, ok := v.(error); ok {
			return "", err
		}
		return v.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// boundedReceiver is fine for this check: the goroutine receives a fixed number of times, which
// the check does not count.
func boundedReceiver(n int) {
	work := make(chan bool)
	go func() {
		for <-work {
		}
	}()
	for i := 0; i < n; i++ {
		work <- true
	}
	work <- false
}

// sendElsewhere is fine for this check: the other case sends on a channel with no receiver, so it
// cannot be taken; the check does not follow select cases that send.
func sendElsewhere() {
	c := make(chan bool)
	c2 := make(chan bool)
	go func() {
		<-c
	}()
	select {
	case c <- true:
	case c2 <- true:
	}
}
