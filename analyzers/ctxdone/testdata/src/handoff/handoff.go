// Package handoff holds goroutines that hand their channel to a helper that does the sending, and
// sends counted through loops with constant bounds.
package handoff

import (
	"context"
	"errors"
)

type span struct{ lo, hi int }

// ---- a helper that sends ----

func scatter(ctx context.Context, out chan<- span, spans []span) { // want scatter:"chanparams\\(1:sends\\)"
	for _, s := range spans {
		out <- s
	}
}

// FirstReady returns on the first span that is ready, or on cancellation; the helper's remaining
// sends have nobody to receive them.
func FirstReady(ctx context.Context, spans []span) (span, error) {
	ready := make(chan span)
	go func() { // want `goroutines send on ready, but the spawner can leave through case <-ctx.Done\(\) and return at line 31 before its receiving loop has received every value`
		defer close(ready)
		scatter(ctx, ready, spans)
	}()
	for s := range ready {
		select {
		case <-ctx.Done():
			return span{}, ctx.Err()
		default:
		}
		if s.hi > s.lo {
			return s, nil
		}
	}
	return span{}, errors.New("no span ready")
}

// AllReady is fine: it receives until the helper is done and the channel closed.
func AllReady(ctx context.Context, spans []span) []span {
	ready := make(chan span)
	go func() {
		defer close(ready)
		scatter(ctx, ready, spans)
	}()
	var out []span
	for s := range ready {
		out = append(out, s)
	}
	return out
}

// scatterCtx gives up when the context is done: its sends never block for good.
func scatterCtx(ctx context.Context, out chan<- span, spans []span) {
	for _, s := range spans {
		select {
		case out <- s:
		case <-ctx.Done():
			return
		}
	}
}

// FirstReadyCtx is fine: the helper watches the context the spawner leaves on.
func FirstReadyCtx(ctx context.Context, spans []span) (span, error) {
	ready := make(chan span)
	go func() {
		defer close(ready)
		scatterCtx(ctx, ready, spans)
	}()
	for s := range ready {
		if s.hi > s.lo {
			return s, nil
		}
	}
	return span{}, errors.New("no span ready")
}

// sender hides the helper behind an interface: what it does with the channel is not known.
type sender interface{ send(chan<- span) }

// FirstFrom is silent: the callee is an interface method.
func FirstFrom(s sender) span {
	ch := make(chan span)
	go s.send(ch)
	return <-ch
}

// ---- sends through loops with constant bounds ----

const probes = 8

func probe(out chan<- bool) { // want probe:"chanparams\\(0:sends=8\\)"
	for i := 0; i < probes; i++ {
		out <- i%2 == 0
	}
}

// AnyProbe keeps room for six answers but the prober sends eight: once AnyProbe has returned on
// the first good answer, the prober blocks on the seventh.
func AnyProbe() bool {
	answers := make(chan bool, 6)
	go func() { // want `goroutines send on answers, but the spawner can return at line 111 before its receiving loop has received every value`
		defer close(answers)
		probe(answers)
	}()
	for ok := range answers {
		if ok {
			return true
		}
	}
	return false
}

// AnyProbeRoomy is fine: the buffer holds all eight answers.
func AnyProbeRoomy() bool {
	answers := make(chan bool, probes)
	go func() {
		defer close(answers)
		probe(answers)
	}()
	for ok := range answers {
		if ok {
			return true
		}
	}
	return false
}

// probeUntil may stop early: it sends at most eight answers, maybe fewer.
func probeUntil(out chan<- bool) { // want probeUntil:"chanparams\\(0:sends\\)"
	for i := 0; i < probes; i++ {
		if i > 2 {
			break
		}
		out <- true
	}
}

// AnyProbeEarly is silent: how many answers the prober sends is not a constant.
func AnyProbeEarly() bool {
	answers := make(chan bool, 6)
	go func() {
		defer close(answers)
		probeUntil(answers)
	}()
	for ok := range answers {
		if ok {
			return true
		}
	}
	return false
}

// Quorum counts three answers inline, in a loop with a constant bound, into a buffer of two.
func Quorum(ctx context.Context) bool {
	votes := make(chan bool, 2)
	go func() { // want `goroutines send on votes, but the spawner can leave through case <-ctx.Done\(\) and return at line 169 without receiving from it`
		for range 3 {
			votes <- true
		}
	}()
	select {
	case v := <-votes:
		return v
	case <-ctx.Done():
		return false
	}
}

// QuorumRoomy is fine: three sends, three slots.
func QuorumRoomy(ctx context.Context) bool {
	votes := make(chan bool, 3)
	go func() {
		for range 3 {
			votes <- true
		}
	}()
	select {
	case v := <-votes:
		return v
	case <-ctx.Done():
		return false
	}
}
