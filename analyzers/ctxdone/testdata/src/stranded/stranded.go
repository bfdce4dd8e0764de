// Package stranded holds sends and receives stranded by a partner that can leave: reported only
// with -ctxdone.package-channels.
package stranded

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"
)

type result struct{ n int }

// ---- a goroutine's plain send, received only by a loop that can leave ----

// Collector's loop stops on ctx.Done(); workers started by Add send their results without a way
// out: after the loop has left, each one blocks forever.
type Collector struct {
	results chan result
	total   int
}

func NewCollector(ctx context.Context) *Collector {
	c := &Collector{results: make(chan result)}
	go c.loop(ctx)
	return c
}

func (c *Collector) loop(ctx context.Context) {
	for {
		select {
		case r := <-c.results:
			c.total += r.n
		case <-ctx.Done():
			return
		}
	}
}

func (c *Collector) Add(n int) { go c.work(n) }

func (c *Collector) work(n int) {
	c.results <- result{n} // want `goroutine running \(\*Collector\).work sends on field results, but every receive from it is a select case with another way out`
}

// Gatherer is fine: its workers give up when the context is done, as the loop does.
type Gatherer struct {
	results chan result
	ctx     context.Context
	total   int
}

func NewGatherer(ctx context.Context) *Gatherer {
	g := &Gatherer{results: make(chan result), ctx: ctx}
	go g.loop()
	return g
}

func (g *Gatherer) loop() {
	for {
		select {
		case r := <-g.results:
			g.total += r.n
		case <-g.ctx.Done():
			return
		}
	}
}

func (g *Gatherer) Add(n int) { go g.work(n) }

func (g *Gatherer) work(n int) {
	select {
	case g.results <- result{n}:
	case <-g.ctx.Done():
	}
}

// Summer is fine: its loop never leaves, every send is received.
type Summer struct {
	results chan result
	total   int
}

func NewSummer() *Summer {
	s := &Summer{results: make(chan result)}
	go s.loop()
	return s
}

func (s *Summer) loop() {
	for r := range s.results {
		s.total += r.n
	}
}

func (s *Summer) Add(n int) { go s.work(n) }

func (s *Summer) work(n int) { s.results <- result{n} }

// Reporter is fine as far as this check goes: the channel has a buffer, which may hold what the
// workers send after the loop left (how many there are is not known here).
type Reporter struct {
	results chan result
}

func NewReporter(ctx context.Context) *Reporter {
	r := &Reporter{results: make(chan result, 16)}
	go r.loop(ctx)
	return r
}

func (r *Reporter) loop(ctx context.Context) {
	for {
		select {
		case <-r.results:
		case <-ctx.Done():
			return
		}
	}
}

func (r *Reporter) Add(n int) { go r.work(n) }

func (r *Reporter) work(n int) { r.results <- result{n} }

// ---- a goroutine's plain receive, sent on only by a select that can leave ----

// Handshake's background waiter blocks on ready, which start signals only if the context is still
// alive: once it is cancelled first, the waiter waits forever.
type Handshake struct {
	ready chan struct{}
}

func StartHandshake(ctx context.Context) *Handshake {
	h := &Handshake{ready: make(chan struct{})}
	go h.waiter()
	go h.start(ctx)
	return h
}

func (h *Handshake) waiter() {
	<-h.ready // want `goroutine running \(\*Handshake\).waiter receives from field ready, but every send on it is a select case with another way out`
}

func (h *Handshake) start(ctx context.Context) {
	select {
	case h.ready <- struct{}{}:
	case <-ctx.Done():
	}
}

// Latch is fine: it closes ready on every path, which releases the waiter.
type Latch struct {
	ready chan struct{}
}

func StartLatch(ctx context.Context) *Latch {
	l := &Latch{ready: make(chan struct{})}
	go l.waiter()
	go l.start(ctx)
	return l
}

func (l *Latch) waiter() { <-l.ready }

func (l *Latch) start(ctx context.Context) {
	defer close(l.ready)
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
}

// tierState is fine: it is a process-wide singleton kept in a package variable; its workers leave
// only when the process context ends, and what the kill goroutines strand then does not pile up.
type tierState struct {
	ctx     context.Context
	killCh  chan struct{}
	workers int
}

var globalTierState *tierState

func InitTiers(ctx context.Context) {
	globalTierState = &tierState{ctx: ctx, killCh: make(chan struct{})}
}

func (t *tierState) worker() {
	for {
		select {
		case <-t.killCh:
			return
		case <-t.ctx.Done():
			return
		}
	}
}

func (t *tierState) Resize(n int) {
	for t.workers < n {
		go t.worker()
		t.workers++
	}
	for t.workers > n {
		go func() { t.killCh <- struct{}{} }()
		t.workers--
	}
}

// Collector2 is fine: destroySem is a semaphore (buffered); the select acquires a slot or gives
// up, and the plain receive releases a slot the same goroutine acquired.
type Collector2 struct {
	destroySem chan struct{}
	shutdown   chan struct{}
}

func NewCollector2(parallel int) *Collector2 {
	return &Collector2{destroySem: make(chan struct{}, 4), shutdown: make(chan struct{})}
}

func (c *Collector2) Collect(id string) { go c.destroy(id) }

func (c *Collector2) destroy(id string) {
	select {
	case c.destroySem <- struct{}{}:
	case <-c.shutdown:
		return
	}
	_ = id
	<-c.destroySem
}

func (c *Collector2) Stop() { close(c.shutdown) }

// Pool is fine: its loop keeps receiving after cancellation until every worker has reported, so
// the done case is not a way out.
type Pool struct {
	errs    chan error
	workers int
}

func RunPool(ctx context.Context, n int, work func() error) error {
	p := &Pool{errs: make(chan error), workers: n}
	for i := 0; i < n; i++ {
		go p.run(work)
	}
	return p.wait(ctx)
}

func (p *Pool) run(work func() error) { p.errs <- work() }

func (p *Pool) wait(ctx context.Context) error {
	var first error
	done := ctx.Done()
	for {
		select {
		case err := <-p.errs:
			if err != nil && first == nil {
				first = err
			}
			p.workers--
			if p.workers == 0 {
				return first
			}
		case <-done:
			done = nil
			first = ctx.Err()
		}
	}
}

// Coordinator is fine: the loop leaves only through exited, which each worker signals after its
// last result; when it returns, no worker is left to send.
type Coordinator struct {
	results chan int
	exited  chan error
	sum     int
}

func Coordinate(n int) error {
	c := &Coordinator{results: make(chan int), exited: make(chan error)}
	for i := 0; i < n; i++ {
		go func() {
			c.produce(i)
			c.exited <- nil
		}()
	}
	active := n
	for {
		select {
		case r := <-c.results:
			c.sum += r
		case err := <-c.exited:
			active--
			if active == 0 {
				return err
			}
		}
	}
}

func (c *Coordinator) produce(i int) { c.results <- i }

// ---- buffered channels kept in fields: counted only with package-channels ----

// epochReg is one registration; its errc has room for the one error the dispatcher sends per
// registration. The field is one class for every registration, so counting sends per class sees
// the dispatcher's three exclusive sends, in a loop, on a one-slot buffer, and calls it full: a
// false positive by default, which is why buffered field channels are counted only in the broad
// mode.
type epochReg struct {
	errc chan error
}

type notifier struct {
	regs chan *epochReg
	quit chan struct{}
}

func NewNotifier() *notifier {
	n := &notifier{regs: make(chan *epochReg), quit: make(chan struct{})}
	go n.dispatch()
	return n
}

func (n *notifier) Register() {
	reg := &epochReg{errc: make(chan error, 1)}
	select {
	case n.regs <- reg:
	case <-n.quit:
	}
}

func (n *notifier) dispatch() {
	for {
		select {
		case reg := <-n.regs:
			if missed() {
				reg.errc <- nil // want `send on field errc blocks forever`
				continue
			}
			reg.errc <- nil // want `send on field errc blocks forever`
		case <-n.quit:
			return
		}
	}
}

func missed() bool { return false }

// ReindexInBackground hands one send to a callback that errgroup runs: how often another package
// runs it is not known. By default it counts once, and one send fits the buffer: silent. The broad
// mode takes an unknown count as many and reports it.
func ReindexInBackground(g *errgroup.Group) {
	finished := make(chan error, 1)
	g.Go(func() error {
		finished <- reindex() // want `send on the channel made at line \d+ blocks forever`
		return nil
	})
}

func reindex() error { return nil }
