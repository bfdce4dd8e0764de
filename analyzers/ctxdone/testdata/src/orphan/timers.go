package orphan

import (
	"context"
	"log"
	"time"
)

// debouncer coalesces change events: the first change arms the timer, later ones push it back.
type debouncer struct {
	timer *time.Timer
	delay time.Duration
	reset chan struct{}
	fire  func()
}

// loop consumes the timer's value in the first case and does not re-arm it; a reset after that
// finds Stop() false and waits forever on the empty channel.
func (d *debouncer) loop(ctx context.Context) {
	for {
		select {
		case <-d.timer.C:
			d.fire()
		case <-d.reset:
			if !d.timer.Stop() {
				<-d.timer.C // want `this drain of d.timer.C blocks forever after the select case at line \d+ has received the timer's value without re-arming it`
			}
			d.timer.Reset(d.delay)
		case <-ctx.Done():
			return
		}
	}
}

// loopRearmed is fine: the case that receives the value re-arms the timer, so the next Stop stops
// a running timer.
func (d *debouncer) loopRearmed(ctx context.Context) {
	for {
		select {
		case <-d.timer.C:
			d.fire()
			d.timer.Reset(d.delay)
		case <-d.reset:
			if !d.timer.Stop() {
				<-d.timer.C
			}
			d.timer.Reset(d.delay)
		case <-ctx.Done():
			return
		}
	}
}

// loopNoOtherReceive is fine: nothing else receives from the timer, so Stop() false means its
// value is still waiting to be drained.
func (d *debouncer) loopNoOtherReceive(ctx context.Context) {
	for {
		select {
		case <-d.reset:
			if !d.timer.Stop() {
				<-d.timer.C
			}
			d.timer.Reset(d.delay)
		case <-ctx.Done():
			return
		}
	}
}

// waitReady is fine: the case that receives the timer's value ends the program (log.Fatal), so
// the drain never follows it.
func waitReady(ready func() bool) {
	timer := time.NewTimer(5 * time.Second)
	for {
		if !ready() {
			select {
			case <-timer.C:
				log.Fatal("not ready")
			default:
				time.Sleep(50 * time.Millisecond)
				continue
			}
		}
		if !timer.Stop() {
			<-timer.C
		}
		break
	}
}

// sleepLoop is fine: every iteration makes its own timer, so the case that receives a timer's
// value and the drain of a timer never meet the same timer.
func sleepLoop(ctx context.Context, wait func() time.Duration) {
	for {
		timer := time.NewTimer(wait())
		select {
		case <-ctx.Done():
			if !timer.Stop() {
				<-timer.C
			}
			return
		case <-timer.C:
		}
	}
}

// poller sends queued packets, or an empty poll when the poll timer fires first.
type poller struct {
	queue chan []byte
	send  func([]byte)
}

// pollLoop is fine: the case that receives the timer's value records it in expired, and the drain
// runs only when expired is false, that is when this iteration did not receive the value.
func (p *poller) pollLoop(ctx context.Context, delay time.Duration) {
	timer := time.NewTimer(delay)
	for {
		expired := false
		var pkt []byte
		select {
		case pkt = <-p.queue:
		case <-timer.C:
			expired = true
		case <-ctx.Done():
			return
		}
		if expired {
			delay *= 2
		} else {
			if !timer.Stop() {
				<-timer.C
			}
		}
		timer.Reset(delay)
		p.send(pkt)
	}
}

// pollLoopUnrelated is the near miss: the case records the receive in expired, but the drain is
// guarded by another condition: when the timer fired while more packets were queued, it waits
// forever.
func (p *poller) pollLoopUnrelated(ctx context.Context, delay time.Duration) {
	timer := time.NewTimer(delay)
	for {
		expired := false
		var pkt []byte
		select {
		case pkt = <-p.queue:
		case <-timer.C:
			expired = true
		case <-ctx.Done():
			return
		}
		if len(p.queue) > 0 {
			if !timer.Stop() {
				<-timer.C // want `this drain of timer.C blocks forever after the select case at line \d+ has received the timer's value without re-arming it`
			}
		}
		if expired {
			delay *= 2
		}
		timer.Reset(delay)
		p.send(pkt)
	}
}

// forward hands messages on with a per-message timeout. The timer is re-armed at the top of every
// iteration, so after the timeout case took its value the next iteration's Reset starts it again
// before the delivery case can drain it: fine.
func forward(ctx context.Context, in <-chan string, out chan<- string, timeout time.Duration) { // want forward:"chanparams\\(1:drains\\)"
	timer := time.NewTimer(timeout)
	for msg := range in {
		timer.Reset(timeout)
		select {
		case out <- msg:
			if !timer.Stop() {
				<-timer.C
			}
		case <-timer.C:
			log.Printf("dropped %q after %v", msg, timeout)
		case <-ctx.Done():
			return
		}
	}
}

// deliver re-arms the timer right before the select, inside the switch: every arrival at the
// select is freshly armed, so the drain in the delivery case never follows the timeout case: fine.
func deliver(ctx context.Context, in <-chan any, out chan<- string, timeout time.Duration) { // want deliver:"chanparams\\(1:drains\\)"
	timer := time.NewTimer(timeout)
	for m := range in {
		switch m := m.(type) {
		case string:
			timer.Reset(timeout)
			select {
			case out <- m:
				if !timer.Stop() {
					<-timer.C
				}
			case <-timer.C:
				log.Printf("dropped %q", m)
			}
		case error:
			log.Print(m)
		}
	}
}
