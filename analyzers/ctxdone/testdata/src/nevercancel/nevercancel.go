// Package nevercancel holds goroutines that wait on the Done channel of a context made by
// context.WithCancel(context.Background()) whose cancel function nothing calls before the wait.
package nevercancel

import (
	"context"
	"time"
)

// ---- the cancel function is called only by the goroutine's own cleanup, after the wait ----

// cursor closes itself when its context is done; the only call of cancel is in that close.
type cursor struct {
	cancel context.CancelFunc
	rows   []string
}

func (c *cursor) watch(ctx context.Context) {
	ctx, c.cancel = context.WithCancel(ctx)
	go c.awaitDone(ctx)
}

func (c *cursor) awaitDone(ctx context.Context) {
	<-ctx.Done() // want `goroutine running \(\*cursor\).awaitDone waits on the Done channel of a context made by context.WithCancel\(context.Background\(\)\), whose cancel function is called only after this wait`
	c.release()
}

func (c *cursor) release() {
	c.cancel()
	c.rows = nil
}

func Query() int {
	c := &cursor{rows: []string{"a"}}
	c.watch(context.Background())
	return len(c.rows)
}

// ---- the cancel function is stored and never called ----

type poller struct {
	ctx    context.Context
	cancel context.CancelFunc
	ticks  int
}

func newPoller() *poller {
	p := &poller{}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	go func() {
		<-p.ctx.Done() // want `goroutine running a function literal in newPoller waits on the Done channel of a context made by context.WithCancel\(context.Background\(\)\), whose cancel function is never called`
		p.ticks = 0
	}()
	return p
}

func Poll() int { return newPoller().ticks }

// ---- near misses ----

// session's Close cancels: callers can release the goroutine.
type session struct {
	cancel context.CancelFunc
}

func newSession() *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{cancel: cancel}
	go func() {
		<-ctx.Done() // fine: Close cancels, and other packages can call it
	}()
	return s
}

func (s *session) Close() { s.cancel() }

func Open() *session { return newSession() }

// attach derives from the caller's context: cancelling it releases the goroutine.
func Attach(parent context.Context) context.CancelFunc {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		<-ctx.Done() // fine: the parent may be cancelled
	}()
	return cancel
}

// handOff passes the cancel function on: who calls it is not known here.
func handOff(register func(context.CancelFunc)) {
	ctx, cancel := context.WithCancel(context.Background())
	register(cancel)
	go func() {
		<-ctx.Done() // fine: the cancel function is handed to register
	}()
}

func Register(f func(context.CancelFunc)) { handOff(f) }

// timed: a timeout releases the wait.
func timed() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	_ = cancel
	go func() {
		<-ctx.Done() // fine: the deadline cancels the context
	}()
}

func Timed() { timed() }

// spawnAndStop cancels when it returns.
func spawnAndStop(work func()) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-ctx.Done() // fine: the deferred cancel runs when spawnAndStop returns
	}()
	work()
}

func Run(work func()) { spawnAndStop(work) }

// cancelAfterSelf: the goroutine cancels in a select's other case, before it waits again.
type worker struct {
	cancel context.CancelFunc
	jobs   chan int
}

func newWorker() *worker {
	w := &worker{jobs: make(chan int)}
	var ctx context.Context
	ctx, w.cancel = context.WithCancel(context.Background())
	go w.loop(ctx)
	return w
}

func (w *worker) loop(ctx context.Context) {
	for {
		select {
		case j := <-w.jobs:
			if j < 0 {
				w.cancel()
			}
		case <-ctx.Done(): // fine: a select, and the job case cancels before the next wait
			return
		}
	}
}

func NewWorker() *worker { return newWorker() }

// ---- generic owners: one field for every instantiation ----

type box[T any] struct {
	cancel context.CancelFunc
	v      T
}

func newBox[T any](v T) *box[T] {
	b := &box[T]{v: v}
	var ctx context.Context
	ctx, b.cancel = context.WithCancel(context.Background())
	go func() {
		<-ctx.Done() // fine: Close, a method of every box[T], cancels
	}()
	return b
}

func (b *box[T]) Close() { b.cancel() }

func NewIntBox() *box[int] { return newBox(1) }

type lease[T any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	v      T
}

func newLease[T any](v T) *lease[T] {
	l := &lease[T]{v: v}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	go func() {
		<-l.ctx.Done() // want `goroutine running a function literal in newLease waits on the Done channel of a context made by context.WithCancel\(context.Background\(\)\), whose cancel function is never called`
	}()
	return l
}

func NewStringLease() *lease[string] { return newLease("x") }

// ---- not followed: a captured local ----

func newTicket() context.CancelFunc {
	var ctx context.Context
	var cancel context.CancelFunc
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		<-ctx.Done() // not reported: ctx is a captured variable (a known limit)
	}()
	_ = cancel
	return nil
}

func NewTicket() { newTicket() }
