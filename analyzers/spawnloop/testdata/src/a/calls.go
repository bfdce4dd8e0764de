package a

import "sync"

type Msg struct{ Body string }

type Server struct {
	mu      sync.Mutex
	started bool
	stop    chan struct{}
}

func (s *Server) handle(Msg) {}

// dispatch starts a goroutine on every call.
func (s *Server) dispatch(m Msg) { // want dispatch:"spawns per call"
	go s.handle(m)
}

// startOnce starts its goroutine only once: calling it in a loop is fine.
func (s *Server) startOnce() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	go s.handle(Msg{})
}

// Pump hides the per-item spawn behind a call. The channel is a parameter of an exported method:
// unknown origin, silent by default (Relay in package b is the input-driven version).
func (s *Server) Pump(msgs <-chan Msg) { // want Pump:"spawns per item of msgs"
	for m := range msgs {
		s.dispatch(m) // unknown origin: reported only with report-unknown-sources (package unknown)
		s.startOnce()
		s.roundTrip(m)
	}
}

// roundTrip starts a watchdog goroutine and tells it to finish before returning: the goroutine
// does not outlive the call, so roundTrip does not spawn per call.
func (s *Server) roundTrip(m Msg) {
	done := make(chan struct{}, 1)
	go func() {
		select {
		case <-done:
		case <-s.stop:
		}
	}()
	s.handle(m)
	done <- struct{}{}
}

// indexAllFor calls a per-item spawner once per tenant; IndexAll waits for its goroutines, so one
// tenant's documents run at a time: no nested fan-out, and no fact for indexAllFor.
func indexAllFor(x *Indexer, tenants map[string][]Document) {
	for _, docs := range tenants {
		x.IndexAll(docs)
	}
}
