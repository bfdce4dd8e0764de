// Package app starts goroutines that run package lib's functions.
package app

import (
	"context"
	"time"

	"lib"
)

func run(ctx context.Context, in, out chan lib.Message) {
	go lib.Pump(ctx, in, out) // want `goroutine lib.Pump loops forever blocking on in, out and never observes ctx`
	go lib.PumpCtx(ctx, in, out)
}

func serve(s *lib.Server) {
	go s.Loop() // want `goroutine s.Loop loops forever receiving from s.reqs and never observes s.ctx`
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
