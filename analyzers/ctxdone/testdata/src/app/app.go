// Package app starts goroutines that run package lib's functions.
package app

import (
	"context"
	"time"

	"lib"
)

func run(parent context.Context, in, out chan lib.Message) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go lib.Pump(ctx, in, out) // want `goroutine lib.Pump loops forever blocking on in, out and never observes ctx`
	go lib.PumpCtx(ctx, in, out)
}

// runPassing only passes its context on: nothing here shows it is cancelled while the process
// runs (a process's root context looks the same), so the loop that ignores it is not reported.
func runPassing(ctx context.Context, in, out chan lib.Message) {
	go lib.Pump(ctx, in, out)
}

// serve is not reported: s.ctx is another package's unexported field, and nothing in this
// package can show that it is cancelled.
func serve(s *lib.Server) {
	go s.Loop()
}

func drain(n int) {
	ch := make(chan lib.Message)
	go lib.Drain(ch) // want `goroutine waits for ch to be closed, but ch is never closed`
	for i := 0; i < n; i++ {
		ch <- lib.Message{}
	}
}

func drainClosed(n int) {
	ch := make(chan lib.Message)
	go lib.Drain(ch) // fine: closed below
	for i := 0; i < n; i++ {
		ch <- lib.Message{}
	}
	close(ch)
}

func ask(ctx context.Context) (lib.Message, bool) {
	ch := make(chan lib.Message)
	go lib.Reply(ctx, ch) // want `goroutine sends on ch, but the spawner can leave through case <-time.After\(time.Second\)`
	select {
	case m := <-ch:
		return m, true
	case <-time.After(time.Second):
		return lib.Message{}, false
	}
}
