// Package flagdrain holds spawners that drain a goroutine's result on an early return only when a
// flag says they have not received it yet.
package flagdrain

type chunk []byte

type stage struct {
	in      chan chunk
	pending int
}

func (s *stage) halt() bool          { return true }
func (s *stage) forward(c chunk)     {}
func (s *stage) hasPending() bool    { return s.pending > 0 }
func (s *stage) close()              {}
func (s *stage) report(stopped bool) {}

// interrupt asks the previous stage to halt and forwards its input until it has. The early return
// on a nil chunk receives the answer first unless the loop already did: stopped records that.
func interrupt(s *stage) {
	stop := make(chan bool)
	go func() {
		stop <- s.halt()
	}()
	stopped, interrupted := false, false
	for !interrupted {
		select {
		case interrupted = <-stop:
			stopped = true
		case c := <-s.in:
			if c == nil {
				s.close()
				if !stopped {
					<-stop
				}
				return
			}
			s.forward(c)
		}
	}
}

// interruptElse keeps the same flag in the else branch.
func interruptElse(s *stage) {
	stop := make(chan bool)
	go func() {
		stop <- s.halt()
	}()
	stopped := false
	for {
		select {
		case <-stop:
			stopped = true
		case c := <-s.in:
			if c != nil {
				s.forward(c)
				continue
			}
			if stopped == true {
				s.report(stopped)
			} else {
				<-stop
			}
			return
		}
	}
}

// interruptCall is the near miss: the condition asks the stage, not a flag the loop keeps, so
// nothing says the answer was received when it is false.
func interruptCall(s *stage) {
	stop := make(chan bool)
	go func() { // want `goroutine sends on stop, but the spawner can leave through case c := <-s.in and return at line \d+ without receiving from it`
		stop <- s.halt()
	}()
	for {
		select {
		case <-stop:
			return
		case c := <-s.in:
			if c == nil {
				if s.hasPending() {
					<-stop
				}
				return
			}
			s.forward(c)
		}
	}
}
