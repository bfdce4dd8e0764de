// Package loops holds goroutines whose loop never ends while a context is at hand (pattern 2).
package loops

import (
	"context"
	"log"
	"os"
	"os/signal"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

type event struct{ name string }

type hub struct {
	in   chan event
	quit chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
}

func (h *hub) handle(e event) {}

// Run ignores ctx in its goroutine, but waits for it itself: the cancellation comes while the
// process runs, and the goroutine outlives it.
func (h *hub) Run(ctx context.Context) error {
	go func() { // want `goroutine loops forever receiving from h.in and never observes ctx: no case or exit ends the loop`
		for {
			select {
			case e := <-h.in:
				h.handle(e)
			}
		}
	}()
	<-ctx.Done()
	return ctx.Err()
}

// RunLocalCtx ignores a context that its caller can cancel: derived from ctx, it is still
// ignored by the loop.
func (h *hub) RunLocalCtx(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	_ = cancel
	go func() { // want `goroutine loops forever receiving from h.in and never observes ctx`
		for {
			e := <-h.in
			h.ping(ctx)
			h.handle(e)
		}
	}()
}

// heartbeat is not reported: its only context is context.Background(), which is never
// cancelled, so observing it would end nothing. Without a cancellable context in scope the loop
// cannot be told apart from a process-lifetime worker.
func (h *hub) heartbeat(d time.Duration) { // want heartbeat:"forever\\(receiving from ticker.C\\)"
	ticker := time.NewTicker(d)
	defer ticker.Stop()
	ctx := context.Background()
	for range ticker.C {
		h.ping(ctx)
	}
}

func (h *hub) ping(ctx context.Context) {}

// StartHeartbeat is not reported, see heartbeat.
func (h *hub) StartHeartbeat() {
	go h.heartbeat(time.Second)
}

// serve ignores the context it is given.
func (h *hub) serve(ctx context.Context) { // want serve:"forever\\(receiving from h.in; ignores ctx\\)"
	for {
		e := <-h.in
		h.ping(ctx)
		h.handle(e)
	}
}

// StartServe hands serve a context it checks for cancellation itself: reported.
func (h *hub) StartServe(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	go h.serve(ctx) // want `goroutine h.serve loops forever receiving from h.in and never observes ctx`
	return nil
}

// StartServeForever is not reported: the context it hands serve is context.Background(), never
// cancelled, so serve ignores nothing (a process's Main starting its handler).
func (h *hub) StartServeForever() {
	ctx := context.Background()
	go h.serve(ctx)
	go func() {
		h.serve(context.TODO())
	}()
}

// RunCtx is fine: the ctx.Done() case returns.
func (h *hub) RunCtx(ctx context.Context) {
	go func() {
		for {
			select {
			case e := <-h.in:
				h.handle(e)
			case <-ctx.Done():
				return
			}
		}
	}()
}

// RunQuit is fine: quit is closed by Close, and its case returns.
func (h *hub) RunQuit(ctx context.Context) {
	go func() {
		for {
			select {
			case e := <-h.in:
				h.handle(e)
			case <-h.quit:
				return
			}
		}
	}()
}

// Close closes quit and stop.
func (h *hub) Close() {
	close(h.quit)
	close(h.stop)
}

// RunSpin observes stop, but its case does not leave the loop: once Close closes stop, the
// receive never blocks again and the goroutine spins.
func (h *hub) RunSpin() {
	go func() { // want `goroutine loops forever blocking on h.stop, h.in; h.stop is closed in this package, and once it is the loop spins`
		for {
			select {
			case <-h.stop:
				log.Print("stopping")
			case e := <-h.in:
				h.handle(e)
			}
		}
	}()
}

// RunStopBreak is fine: the labeled break leaves the loop when stop is closed.
func (h *hub) RunStopBreak() {
	go func() {
	loop:
		for {
			select {
			case <-h.stop:
				break loop
			case e := <-h.in:
				h.handle(e)
			}
		}
	}()
}

// RunOK is fine: the comma-ok receive returns when in is closed.
func (h *hub) RunOK(ctx context.Context) {
	go func() {
		for {
			e, ok := <-h.in
			if !ok {
				return
			}
			h.handle(e)
		}
	}()
}

// poll ticks forever: Ticker.Stop does not close t.C, so range over it never ends, though a
// second goroutine stops the ticker once ctx is cancelled.
func poll(ctx context.Context, refresh func()) {
	t := time.NewTicker(time.Second)
	go func() { // want `goroutine loops forever receiving from t.C and never observes ctx`
		for range t.C {
			refresh()
		}
	}()
	go func() {
		<-ctx.Done()
		t.Stop()
	}()
}

// pollCtx is fine: the ticker loop also selects on ctx.Done().
func pollCtx(ctx context.Context, refresh func()) {
	t := time.NewTicker(time.Second)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-t.C:
				refresh()
			case <-ctx.Done():
				return
			}
		}
	}()
}

// pollNoCtx has no context in scope: a process-lifetime poller this check cannot tell from a
// leak, so it stays silent.
func pollNoCtx(refresh func()) {
	go func() {
		for range time.Tick(time.Minute) {
			refresh()
		}
	}()
}

// timeout is fine: a one-shot timer, not a loop.
func timeout(ctx context.Context, cancel func()) {
	go func() {
		<-time.After(time.Second)
		cancel()
	}()
}

// signals is fine: waiting for signals forever is what a signal handler does.
func signals(ctx context.Context, reload func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	go func() {
		for {
			<-sigs
			reload()
		}
	}()
}

// worker is a named function that receives its context and ignores it.
func worker(ctx context.Context, jobs <-chan event) { // want worker:"forever\\(receiving from jobs; ignores ctx\\)"
	for {
		j := <-jobs
		_ = j
	}
}

// workerCtx is fine: it returns when ctx is done.
func workerCtx(ctx context.Context, jobs <-chan event) {
	for {
		select {
		case j := <-jobs:
			_ = j
		case <-ctx.Done():
			return
		}
	}
}

// workerFatal is fine: the loop ends the process when jobs is closed.
func workerFatal(ctx context.Context, jobs <-chan event) { // want workerFatal:"chanparams\\(1:drains\\)"
	for {
		j, ok := <-jobs
		if !ok {
			log.Fatal("jobs closed")
		}
		_ = j
	}
}

// startWorkers gives its workers a context that it cancels when it returns.
func startWorkers(parent context.Context, jobs chan event) {
	ctx, cancel := context.WithTimeout(parent, time.Minute)
	defer cancel()
	go worker(ctx, jobs) // want `goroutine worker loops forever receiving from jobs and never observes ctx`
	go workerCtx(ctx, jobs)
	go workerFatal(ctx, jobs)
}

// loop is a method that ignores its context.
func (h *hub) loop(ctx context.Context) error { // want loop:"forever\\(blocking on h.in, time.After\\(time.Minute\\); ignores ctx\\)"
	for {
		select {
		case e := <-h.in:
			h.handle(e)
		case <-time.After(time.Minute):
			log.Print("idle")
		}
	}
}

// group starts the ignoring loop under an errgroup: Wait never returns.
func (h *hub) group(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { // want `goroutine calls loop, which loops forever blocking on h.in, time.After\(time.Minute\) and never observes ctx`
		return h.loop(ctx)
	})
	g.Go(func() error {
		return nil
	})
	return g.Wait()
}

// busy is fine for this check: the select has a default case, so it never parks.
func busy(ctx context.Context, h *hub) {
	go func() {
		for {
			select {
			case e := <-h.in:
				h.handle(e)
			default:
			}
		}
	}()
}

// conditional is fine: the loop has a condition.
func conditional(ctx context.Context, h *hub) {
	go func() {
		for ctx.Err() == nil {
			h.handle(<-h.in)
		}
	}()
}

// nested is fine: the return inside the inner select leaves the function.
func nested(ctx context.Context, h *hub) {
	go func() {
		for {
			for i := 0; i < 3; i++ {
				select {
				case <-ctx.Done():
					return
				case e := <-h.in:
					h.handle(e)
				}
			}
		}
	}()
}

// innerBreak breaks only the inner select: the outer loop still never ends.
func innerBreak(ctx context.Context, h *hub) {
	go func() { // want `goroutine loops forever blocking on ctx.Done\(\), h.in; ctx.Done\(\) is closed once ctx is cancelled, and then the loop spins`
		for {
			select {
			case <-ctx.Done():
				break
			case e := <-h.in:
				h.handle(e)
			}
		}
	}()
}

// fieldWorker keeps the context its Start makes in a field, and Stop cancels it: the loop that ignores
// w.ctx outlives every Stop.
type fieldWorker struct {
	ctx    context.Context
	cancel context.CancelFunc
	in     chan event
}

func (w *fieldWorker) loop() { // want loop:"forever\\(receiving from w.in; ignores w.ctx\\)"
	for {
		<-w.in
	}
}

func (w *fieldWorker) Start(parent context.Context) {
	w.ctx, w.cancel = context.WithCancel(parent)
	go w.loop() // want `goroutine w.loop loops forever receiving from w.in and never observes w.ctx`
}

func (w *fieldWorker) Stop() { w.cancel() }
