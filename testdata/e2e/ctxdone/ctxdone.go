// Package ctxdone holds end-to-end cases for the ctxdone analyzer: goroutines that can block
// forever, each next to a near miss that must stay silent.
package ctxdone

import (
	"context"
	"errors"
	"time"
)

type result struct {
	body []byte
	err  error
}

func download(ctx context.Context, url string) result { return result{} }

// Fetch leaks its goroutine when ctx is cancelled first: nobody receives the send.
func Fetch(ctx context.Context, url string) ([]byte, error) {
	ch := make(chan result)
	go func() { // e2e:want ctxdone
		ch <- download(ctx, url)
	}()
	select {
	case r := <-ch:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// FetchBuffered is fine: the buffer holds the one send.
func FetchBuffered(ctx context.Context, url string) ([]byte, error) {
	ch := make(chan result, 1)
	go func() {
		ch <- download(ctx, url)
	}()
	select {
	case r := <-ch:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Dispatcher fans events out to a handler.
type Dispatcher struct {
	events chan string
	stop   chan struct{}
}

func (d *Dispatcher) handle(e string) {}

// Run returns when ctx is cancelled, but its goroutine ignores ctx: the loop has no way out.
func (d *Dispatcher) Run(ctx context.Context) error {
	go func() { // e2e:want ctxdone
		for {
			select {
			case e := <-d.events:
				d.handle(e)
			}
		}
	}()
	<-ctx.Done()
	return ctx.Err()
}

// StartStoppable is fine: the stop case returns, and Stop closes stop.
func (d *Dispatcher) StartStoppable(ctx context.Context) {
	go func() {
		for {
			select {
			case e := <-d.events:
				d.handle(e)
			case <-d.stop:
				return
			}
		}
	}()
}

// Stop ends StartStoppable's goroutine.
func (d *Dispatcher) Stop() { close(d.stop) }

// Collect never closes the channel its consumer ranges over.
func Collect(words []string) {
	ch := make(chan string)
	go func() { // e2e:want ctxdone
		for w := range ch {
			_ = w
		}
	}()
	for _, w := range words {
		ch <- w
	}
}

// CollectClosed is fine: the producer closes the channel when it is done.
func CollectClosed(words []string) {
	ch := make(chan string)
	go func() {
		for w := range ch {
			_ = w
		}
	}()
	for _, w := range words {
		ch <- w
	}
	close(ch)
}

// Wait is fine: the one-shot timer fires once and the goroutine ends.
func Wait(cancel context.CancelFunc) error {
	go func() {
		<-time.After(time.Second)
		cancel()
	}()
	return errors.New("started")
}
