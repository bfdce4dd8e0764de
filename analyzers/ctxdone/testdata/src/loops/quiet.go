package loops

import (
	"context"
	"sync"
	"time"
)

// The loops below ignore a context too, but nothing around them shows that the context is ever
// cancelled while the process runs: they look like process-lifetime workers, and stay silent
// unless loops-any-context is set (each brings back one finding then).

// RunPassing is Run's near miss: it only passes ctx on, as a process's Start does with its
// root context.
func (h *hub) RunPassing(ctx context.Context) {
	go func() {
		for {
			h.handle(<-h.in)
			h.ping(ctx)
		}
	}()
}

// pollPassing is poll's near miss: nobody here waits for ctx.
func pollPassing(ctx context.Context, refresh func(context.Context)) {
	t := time.NewTicker(time.Second)
	go func() {
		for range t.C {
			refresh(ctx)
		}
	}()
}

// dbContext returns a context that carries a database handle: context.Background() with a value,
// never cancelled.
func dbContext() context.Context {
	return context.WithValue(context.Background(), dbKey{}, "db")
}

type dbKey struct{}

var flushOnce sync.Once

// startFlusher starts one flusher per process on a context from a helper: the call's result is
// no variable the spawner could cancel or watch.
func (h *hub) startFlusher() {
	flushOnce.Do(func() {
		go h.serve(dbContext())
	})
}

// server keeps its context in a field that only its caller's context fills.
type server struct {
	ctx context.Context
	in  chan event
}

func newServer(ctx context.Context) *server { return &server{ctx: ctx, in: make(chan event)} }

func (s *server) loop() { // want loop:"forever\\(receiving from s.in; ignores s.ctx\\)"
	for {
		<-s.in
	}
}

// start is not reported: s.ctx is set from a parameter and nothing in the package watches or
// cancels it.
func (s *server) start() {
	go s.loop()
}
