// Package typeparams exercises generics and odd code: nothing here may crash the analyzer.
package typeparams

import (
	"context"
	"time"
)

// first returns the first result or gives up; the generic result channel leaks on timeout.
func first[T any](ctx context.Context, f func() T) (T, bool) {
	ch := make(chan T)
	go func() { // want `goroutine sends on ch, but the spawner can leave through case <-ctx.Done\(\)`
		ch <- f()
	}()
	select {
	case v := <-ch:
		return v, true
	case <-ctx.Done():
		var zero T
		return zero, false
	}
}

// Queue is a generic queue with a loop method that ignores its context.
type Queue[T any] struct {
	items chan T
	done  chan struct{}
}

func (q *Queue[T]) run(ctx context.Context, f func(T)) { // want run:"forever\\(receiving from q.items; ignores ctx\\)"
	for {
		f(<-q.items)
	}
}

func (q *Queue[T]) runDone(ctx context.Context, f func(T)) {
	for {
		select {
		case it := <-q.items:
			f(it)
		case <-q.done:
			return
		}
	}
}

// Start starts both loops through an instantiated method, and waits for ctx's cancellation.
func Start(ctx context.Context) {
	q := &Queue[int]{items: make(chan int), done: make(chan struct{})}
	go q.run(ctx, func(int) {}) // want `goroutine q.run loops forever receiving from q.items and never observes ctx`
	go q.runDone(ctx, func(int) {})
	<-ctx.Done()
}

// odd shapes that must not crash.
func odd(ctx context.Context, chans []chan int, f func() chan int) {
	go func() {}()
	go func(c chan int) { c <- 1 }(chans[0])
	go func() { <-f() }()
	var ch = make(chan int, 1<<3)
	go func() { ch <- 1 }()
	x, y := make(chan int), 3
	_ = y
	go func() { x <- 1 }()
	<-x
	go (func() {})()
	for {
		select {}
	}
}

// labeled goto loop.
func gotoLoop(ctx context.Context, in chan int) {
	go func() {
	again:
		<-in
		goto again
	}()
	go func() {
		for {
			if v := <-in; v < 0 {
				goto out
			}
		}
	out:
	}()
	_ = time.Second
}

// produce sends every item and then reports its end on done as its last action.
func produce[T any](items []T, out chan<- T, done chan<- error) { // want produce:"chanparams\\(1:sends,2:sends=1\\+final\\)"
	for _, it := range items {
		out <- it
	}
	done <- nil
}

// collect is fine: it leaves only through done, which produce sends on after its last item
// (an instantiated generic callee: the fact is looked up on its origin).
func collect[T any](items []T) []T {
	out := make(chan T)
	done := make(chan error)
	go produce[T](items, out, done)
	var got []T
	for {
		select {
		case it := <-out:
			got = append(got, it)
		case <-done:
			return got
		}
	}
}

// collectCtx also leaves through ctx.Done(), where produce may be blocked on out.
func collectCtx[T any](ctx context.Context, items []T) []T {
	out := make(chan T)
	done := make(chan error)
	go produce(items, out, done) // want `goroutines send on out, but the spawner can leave through case <-ctx.Done\(\)`
	var got []T
	for {
		select {
		case it := <-out:
			got = append(got, it)
		case <-done:
			return got
		case <-ctx.Done():
			return got
		}
	}
}

// Named is generic, and its instances share one field in the channel-flow graph: a call through
// the unary builder's function value meets the stream builder's closure, which has one result
// fewer (spicedb's middleware builders crashed the orphan check's linking this way).
type Named[T any] struct{ Fn T }

type unaryFn func(ctx context.Context, req any) (any, error)

type streamFn func(ctx context.Context, req any) error

type unaryBuilder struct{ fn unaryFn }

func (b *unaryBuilder) build(check bool) Named[unaryFn] {
	if !check {
		return Named[unaryFn]{Fn: b.fn}
	}
	return Named[unaryFn]{Fn: func(ctx context.Context, req any) (any, error) { return b.fn(ctx, req) }}
}

type streamBuilder struct{ fn streamFn }

func (b *streamBuilder) build(check bool) Named[streamFn] {
	if !check {
		return Named[streamFn]{Fn: b.fn}
	}
	return Named[streamFn]{Fn: func(ctx context.Context, req any) error { return b.fn(ctx, req) }}
}
