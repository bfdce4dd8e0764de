// Package app has goroutine leaks of several shapes, for goroguard test's end-to-end test. The
// tests that exercise them are in app_test.go and, across a package boundary, in ../apptest.
package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Fetch returns slow's result, or ctx's error if ctx ends first.
//
// LEAK (premature return): when ctx ends first nobody receives from done and the goroutine's send
// blocks forever. ctxdone reports the go statement.
func Fetch(ctx context.Context, slow func() int) (int, error) {
	done := make(chan int)
	go func() {
		done <- slow()
	}()
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// FetchBuffered is Fetch fixed: the buffer lets the send complete. Not a leak.
func FetchBuffered(ctx context.Context, slow func() int) (int, error) {
	done := make(chan int, 1)
	go func() {
		done <- slow()
	}()
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// First returns the first result of the workers, started through errgroup.
//
// LEAK: the workers send on an unbuffered channel and First takes one result: the others block
// forever. The goroutines are started inside errgroup.(*Group).Go; the join maps them back to the
// g.Go call.
func First(n int) int {
	var g errgroup.Group
	results := make(chan int)
	for i := range n {
		g.Go(func() error {
			results <- i * i
			return nil
		})
	}
	return <-results
}

// Query runs q through errgroup and gives up when ctx ends.
//
// LEAK (premature return, through errgroup.Go): when ctx ends first nobody receives from done.
// ctxdone reports the g.Go call; the profile's "created by" names errgroup's internals, and the
// join maps the goroutine back to this call.
func Query(ctx context.Context, q func() int) (int, error) {
	var g errgroup.Group
	done := make(chan int)
	g.Go(func() error {
		done <- q()
		return nil
	})
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// ErrStop is unused.
var ErrStop = errors.New("stop")

// Watch starts a watcher through sync.WaitGroup.Go that waits for an event nobody sends.
//
// LEAK: events is never sent on nor closed.
func Watch() {
	var wg sync.WaitGroup
	events := make(chan struct{})
	wg.Go(func() {
		<-events
	})
}

// Queue hands jobs to a worker through a field channel.
type Queue struct {
	jobs chan func()
}

// NewQueue starts the worker.
//
// LEAK: nothing closes q.jobs, so when the queue is dropped the worker blocks forever in its
// range. (A field channel: a shape the analyzers may not follow.)
func NewQueue() *Queue {
	q := &Queue{jobs: make(chan func())}
	go q.work()
	return q
}

func (q *Queue) work() {
	for j := range q.jobs {
		j()
	}
}

// Do runs f on the worker.
func (q *Queue) Do(f func()) {
	done := make(chan struct{})
	q.jobs <- func() { f(); close(done) }
	<-done
}

// Spin starts a goroutine that keeps working until stop is set. Not a leak: it is running, not
// blocked, and the profile does not call it one however long it runs.
func Spin(stop *atomic.Bool) {
	go func() {
		for !stop.Load() {
			time.Sleep(time.Millisecond)
		}
	}()
}

// Untested leaks like Fetch, but no test calls it: static only.
func Untested(ctx context.Context, slow func() int) (int, error) {
	done := make(chan int)
	go func() {
		done <- slow()
	}()
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
