// Package watched holds sends and receives stranded by a partner that leaves through a channel the
// stranded goroutine could watch too: reported by default, with the way out to add.
package watched

import "context"

// ---- the partner leaves on a stop channel of a struct the goroutine holds ----

// Node serves status requests from its run loop until Stop. A report started after Stop blocks
// forever on n.status; it holds n, so it could also watch n.stop.
type Node struct {
	status chan chan int
	stop   chan struct{}
	done   chan struct{}
}

func NewNode() *Node {
	n := &Node{status: make(chan chan int), stop: make(chan struct{}), done: make(chan struct{})}
	go n.run()
	return n
}

func (n *Node) run() {
	defer close(n.done)
	v := 0
	for {
		select {
		case c := <-n.status:
			c <- v
			v++
		case <-n.stop:
			return
		}
	}
}

func (n *Node) Stop() {
	close(n.stop)
	<-n.done
}

func (n *Node) Report(sink func(int)) { go n.report(sink) }

func (n *Node) report(sink func(int)) {
	c := make(chan int)
	n.status <- c // want `goroutine running \(\*Node\).report sends on field status, but every receive from it is a select case with another way out: .*; make the send a select with a case on the way out the other side takes \(<-n.stop\)`
	sink(<-c)
}

// SafeNode is fine: its report gives up on stop, as the loop does.
type SafeNode struct {
	status chan chan int
	stop   chan struct{}
}

func NewSafeNode() *SafeNode {
	n := &SafeNode{status: make(chan chan int), stop: make(chan struct{})}
	go n.run()
	return n
}

func (n *SafeNode) run() {
	v := 0
	for {
		select {
		case c := <-n.status:
			c <- v
			v++
		case <-n.stop:
			return
		}
	}
}

func (n *SafeNode) Stop() { close(n.stop) }

func (n *SafeNode) Report(sink func(int)) { go n.report(sink) }

func (n *SafeNode) report(sink func(int)) {
	c := make(chan int)
	select {
	case n.status <- c:
		sink(<-c)
	case <-n.stop:
	}
}

// ---- the way out is a method that returns the stop channel ----

type Stopper struct{ stopper chan struct{} }

func NewStopper() *Stopper { return &Stopper{stopper: make(chan struct{})} }

func (s *Stopper) ShouldStop() <-chan struct{} {
	if s == nil {
		return nil
	}
	return s.stopper
}

func (s *Stopper) Stop() { close(s.stopper) }

// Transport's pump sends each event plainly; the consumer leaves when the stopper stops. The pump
// checks the stopper between events but not while it sends.
type Transport struct {
	events  chan int
	stopper *Stopper
}

func NewTransport(s *Stopper) *Transport {
	t := &Transport{events: make(chan int), stopper: s}
	go t.pump()
	go t.consume()
	return t
}

func (t *Transport) pump() {
	for i := 0; ; i++ {
		select {
		case <-t.stopper.ShouldStop():
			return
		default:
		}
		t.events <- i // want `goroutine running \(\*Transport\).pump sends on field events, but every receive from it is a select case with another way out: .*\(<-t.stopper.ShouldStop\(\)\)`
	}
}

func (t *Transport) consume() {
	for {
		select {
		case <-t.events:
		case <-t.stopper.ShouldStop():
			return
		}
	}
}

// ---- the way out is the very context the goroutine can see ----

// Pipeline.Run drains stage results until ctx is done; each stage's goroutine, nested in Run, sees
// the same ctx but sends without watching it.
type Pipeline struct {
	out    chan int
	stages []func() int
}

func NewPipeline(stages ...func() int) *Pipeline {
	return &Pipeline{out: make(chan int), stages: stages}
}

func (p *Pipeline) Run(ctx context.Context) {
	go func() {
		for {
			select {
			case <-p.out:
			case <-ctx.Done():
				return
			}
		}
	}()
	for _, stage := range p.stages {
		go func() {
			p.out <- stage() // want `goroutine running a function literal in \(\*Pipeline\).Run sends on field out, .*\(<-ctx.Done\(\)\)`
		}()
	}
}

// Stream keeps its context in a field: its pump holds the stream, so it could watch s.ctx.
type Stream struct {
	ctx  context.Context
	errs chan error
}

func OpenStream(ctx context.Context, send func() error) *Stream {
	s := &Stream{ctx: ctx, errs: make(chan error)}
	go func() {
		for {
			if err := send(); err != nil {
				s.errs <- err // want `goroutine running a function literal in OpenStream sends on field errs, .*\(<-s.ctx.Done\(\)\)`
				return
			}
		}
	}()
	return s
}

func (s *Stream) Err() error {
	select {
	case <-s.ctx.Done():
		return s.ctx.Err()
	case err := <-s.errs:
		return err
	}
}

// Feed's loop stops on its own context; Publish has a context too, but another one (a request's):
// watching it would not release the goroutine when the loop has left. Reported only with
// package-channels.
type Feed struct {
	updates chan int
}

func NewFeed(ctx context.Context) *Feed {
	f := &Feed{updates: make(chan int)}
	go f.run(ctx)
	return f
}

func (f *Feed) run(ctx context.Context) {
	for {
		select {
		case <-f.updates:
		case <-ctx.Done():
			return
		}
	}
}

func (f *Feed) Publish(ctx context.Context, v int) {
	go func() {
		f.updates <- v
	}()
}

// Notify is the same loop with a callback that has no context: the loop leaves with its owner's
// context, usually at shutdown, and nothing in the callback could watch it. Reported only with
// package-channels (package stranded has more of these).
type Notify struct {
	events chan int
}

func NewNotify(ctx context.Context) *Notify {
	n := &Notify{events: make(chan int)}
	go n.run(ctx)
	return n
}

func (n *Notify) run(ctx context.Context) {
	for {
		select {
		case <-n.events:
		case <-ctx.Done():
			return
		}
	}
}

func (n *Notify) OnChange(v int) {
	go func() {
		n.events <- v
	}()
}

// ---- receives ----

// Conn's reader waits once for the handshake; the handshaker gives up when the connection closes,
// which the reader, holding c, could watch too.
type Conn struct {
	ready  chan struct{}
	closed chan struct{}
}

func Dial() *Conn {
	c := &Conn{ready: make(chan struct{}), closed: make(chan struct{})}
	go c.handshake()
	go c.reader()
	return c
}

func (c *Conn) handshake() {
	select {
	case c.ready <- struct{}{}:
	case <-c.closed:
	}
}

func (c *Conn) reader() {
	<-c.ready // want `goroutine running \(\*Conn\).reader receives from field ready, but every send on it is a select case with another way out: .*; make the receive a select with a case on the way out the other side takes \(<-c.closed\)`
}

func (c *Conn) Close() { close(c.closed) }

// Worker runs jobs until a stop job; callers give up on their own context or when the worker is
// done. w.done is the worker's own signal, and the callers' contexts are theirs: a caller that
// left does not strand the worker, which waits for its next job. Not reported.
type Worker struct {
	jobs chan func() bool
	done chan struct{}
}

func StartWorker() *Worker {
	w := &Worker{jobs: make(chan func() bool), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *Worker) loop() {
	for {
		job := <-w.jobs
		if job() {
			close(w.done)
			return
		}
	}
}

func (w *Worker) Do(ctx context.Context, job func() bool) error {
	select {
	case w.jobs <- job:
		return nil
	case <-w.done:
		return context.Canceled
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Pool's worker never watches the stop channel its callers give up on: after Stop it waits for a
// job that no caller will send.
type Pool struct {
	jobs chan func()
	stop chan struct{}
}

func NewPool() *Pool {
	p := &Pool{jobs: make(chan func()), stop: make(chan struct{})}
	go p.work()
	return p
}

func (p *Pool) work() { // want work:"forever\\(receiving from p.jobs\\)"
	for {
		job := <-p.jobs // want `goroutine running \(\*Pool\).work receives from field jobs, .*\(<-p.stop\)`
		job()
	}
}

func (p *Pool) Submit(job func()) bool {
	select {
	case p.jobs <- job:
		return true
	case <-p.stop:
		return false
	}
}

func (p *Pool) Stop() { close(p.stop) }

// Hub's consumers leave when the task channel closes, a data channel: watching it from Broadcast
// would take tasks meant for the consumers, so there is no case to add. Not reported by default.
type Hub struct {
	tasks  chan string
	events []chan int
}

func NewHub(n int) *Hub {
	h := &Hub{tasks: make(chan string)}
	for i := 0; i < n; i++ {
		ev := make(chan int)
		h.events = append(h.events, ev)
		go h.consume(ev)
	}
	return h
}

func (h *Hub) consume(ev chan int) {
	for {
		select {
		case t, ok := <-h.tasks:
			if !ok {
				return
			}
			_ = t
		case <-ev:
		}
	}
}

func (h *Hub) Submit(t string) { h.tasks <- t }

func (h *Hub) Close() { close(h.tasks) }

func (h *Hub) Broadcast(v int) {
	go func() {
		for _, ev := range h.events {
			ev <- v
		}
	}()
}
