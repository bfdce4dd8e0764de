// Package orphan exercises channels whose other end nothing in the package provides: channels in
// struct fields, slices and maps of channels, passed through the package's own functions and
// function values. Every positive has a near-miss negative beside it.
package orphan

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/sync/errgroup"
)

// ---- a field channel received from, never sent on or closed ----

// Drainer stops its flush loop through quit; Stop forgets to close it.
type Drainer struct {
	mu      sync.Mutex
	quit    chan struct{}
	stopped bool
	pending []string
}

func NewDrainer() *Drainer {
	d := &Drainer{quit: make(chan struct{})}
	go d.flushLoop()
	return d
}

func (d *Drainer) quitting() <-chan struct{} { return d.quit }

func (d *Drainer) flushLoop() {
	<-d.quitting() // want `receive from a channel of field quit blocks forever: nothing in this package sends on it or closes it`
	d.mu.Lock()
	d.pending = nil
	d.mu.Unlock()
}

// Stop marks the drainer stopped but never closes quit: flushLoop waits for good.
func (d *Drainer) Stop() {
	d.mu.Lock()
	d.stopped = true
	d.mu.Unlock()
}

// Flusher is fine: Close closes the channel the loop waits on.
type Flusher struct {
	done chan struct{}
	once sync.Once
}

func NewFlusher() *Flusher {
	f := &Flusher{done: make(chan struct{})}
	go f.loop()
	return f
}

func (f *Flusher) loop() { <-f.done }

func (f *Flusher) Close() { f.once.Do(func() { close(f.done) }) }

// ---- a field channel sent on, never received from ----

// Uploader reports part errors on errs, but nothing reads them: the first failing part blocks its
// goroutine forever.
type Uploader struct {
	errs  chan error
	parts []string
}

func NewUploader(parts []string) *Uploader {
	u := &Uploader{errs: make(chan error), parts: parts}
	for _, p := range parts {
		go u.upload(p)
	}
	return u
}

func (u *Uploader) upload(part string) {
	if part == "" {
		u.errs <- errors.New("empty part") // want `send on field errs blocks forever: nothing in this package receives from it`
	}
}

// Downloader is fine: Wait receives every error.
type Downloader struct {
	errs  chan error
	parts []string
}

func NewDownloader(parts []string) *Downloader {
	d := &Downloader{errs: make(chan error), parts: parts}
	for _, p := range parts {
		go d.fetch(p)
	}
	return d
}

func (d *Downloader) fetch(part string) {
	var err error
	if part == "" {
		err = errors.New("empty part")
	}
	d.errs <- err
}

func (d *Downloader) Wait() error {
	var first error
	for range d.parts {
		if err := <-d.errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Events is fine: the channel is handed out through an exported accessor, the receiver is the
// importer's.
type Events struct{ ch chan string }

func NewEvents() *Events { return &Events{ch: make(chan string)} }

func (e *Events) C() <-chan string { return e.ch }

func (e *Events) emit(s string) { e.ch <- s }

func (e *Events) Emit(s string) { go e.emit(s) }

// Exported fields are reachable from other packages: fine.
type Pipe struct {
	Out chan []byte
}

func NewPipe() *Pipe { return &Pipe{Out: make(chan []byte)} }

func (p *Pipe) Write(b []byte) (int, error) {
	p.Out <- b
	return len(b), nil
}

// ---- slices and maps of channels ----

// fanIn waits for every shard's done channel, but the shards never close theirs.
type fanIn struct {
	done []chan struct{}
}

func RunShards(n int) {
	f := &fanIn{}
	for i := 0; i < n; i++ {
		f.done = append(f.done, make(chan struct{}))
	}
	for i := range f.done {
		go shard(i, f.done[i])
	}
	for _, d := range f.done {
		<-d // want `receive from the channel made at line \d+ blocks forever`
	}
}

// shard does its work but forgets to close done.
func shard(i int, done chan struct{}) { _ = i }

// Freeze is fine: a channel that never leaves its function blocks on purpose (a debug hook that
// parks the process instead of exiting).
func Freeze(debug bool) {
	if debug {
		<-make(chan struct{})
	}
}

// RunShardsClosed is fine: each shard closes its own channel.
func RunShardsClosed(n int) {
	var done []chan struct{}
	for i := 0; i < n; i++ {
		done = append(done, make(chan struct{}))
	}
	for i := range done {
		go func(ch chan struct{}) { defer close(ch) }(done[i])
	}
	for _, d := range done {
		<-d
	}
}

// waiters keyed by request id: a reply is sent, but nothing ever waits on the map's channels.
type tracker struct {
	mu      sync.Mutex
	waiters map[int]chan string
}

func newTracker() *tracker { return &tracker{waiters: map[int]chan string{}} }

func (t *tracker) register(id int) {
	t.mu.Lock()
	t.waiters[id] = make(chan string)
	t.mu.Unlock()
}

func (t *tracker) deliver(id int, reply string) {
	t.mu.Lock()
	ch := t.waiters[id]
	t.mu.Unlock()
	ch <- reply // want `send on an element of field waiters blocks forever: nothing in this package receives from it`
}

func ServeTracker(ids []int) {
	t := newTracker()
	for _, id := range ids {
		t.register(id)
		go t.deliver(id, "ok")
	}
}

// ---- through the package's own functions and function values ----

// StartAndWait waits for a done channel that the watcher it hands it to never closes.
func StartAndWait(ctx context.Context) {
	done := make(chan struct{})
	go watch(ctx, done)
	<-done // want `receive from the channel made at line \d+ blocks forever`
}

func watch(ctx context.Context, done chan struct{}) { <-ctx.Done() }

// StartAndWaitClosed is fine: the watcher closes it.
func StartAndWaitClosed(ctx context.Context) {
	done := make(chan struct{})
	go watchClose(ctx, done)
	<-done
}

func watchClose(ctx context.Context, done chan struct{}) { // want watchClose:"chanparams\\(1:final\\)"
	defer close(done)
	<-ctx.Done()
}

// RunHook hands its channel to a callback through a function value that does nothing with it.
func RunHook() {
	ready := make(chan struct{})
	hook := func(ch chan struct{}) {}
	go hook(ready)
	<-ready // want `receive from the channel made at line \d+ blocks forever`
}

// RunHookClosing is fine: the callback the function value holds closes the channel.
func RunHookClosing() {
	ready := make(chan struct{})
	hook := func(ch chan struct{}) { close(ch) }
	go hook(ready)
	<-ready
}

// RunForeignHook is fine: the function value comes from the caller, its code is not visible.
func RunForeignHook(hook func(chan struct{})) {
	ready := make(chan struct{})
	go hook(ready)
	<-ready
}

// Signals are delivered by another package (os/signal): fine.
func WaitSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	<-ch
}

// ---- buffered channels ----

// ProgressLoop has room for one update, and updates come in a loop that nobody reads.
func ProgressLoop(items []string) {
	progress := make(chan int, 1)
	go func() {
		for i := range items {
			progress <- i // want `send on the channel made at line \d+ blocks forever`
		}
	}()
}

// OneResult is fine: the single send fits the buffer even if nobody reads it.
func OneResult() {
	res := make(chan error, 1)
	go func() { res <- nil }()
}

// ---- a goroutine waiting on itself ----

// SyncOnce waits for the stop channel a callback recorded, but that channel is the function's own,
// closed only by its deferred close: the receive waits for the return it blocks.
func SyncOnce(poll func(stop <-chan struct{}) bool) {
	stop := make(chan struct{})
	defer close(stop)
	var recorded <-chan struct{}
	pollUntil(func(s <-chan struct{}) bool {
		recorded = s
		return poll(s)
	}, stop)
	<-recorded // want `its only release is the deferred close in SyncOnce itself`
}

func pollUntil(cond func(<-chan struct{}) bool, stop <-chan struct{}) {
	for !cond(stop) {
	}
}

// SyncOnceBackground is fine: the receive runs in a goroutine, which the deferred close releases
// when the function returns.
func SyncOnceBackground(poll func(stop <-chan struct{}) bool) {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		<-stop
	}()
	for !poll(stop) {
	}
}

// Closer is fine: only the first Close defers the close of done; a later Close takes the other
// branch and waits for the first one, whose deferred close releases it.
type Closer struct {
	mu      sync.Mutex
	closing bool
	done    chan struct{}
}

func NewCloser() *Closer { return &Closer{done: make(chan struct{})} }

func (c *Closer) Close(release func()) {
	c.mu.Lock()
	already := c.closing
	c.closing = true
	c.mu.Unlock()
	if already {
		<-c.done
		return
	}
	defer close(c.done)
	release()
}

// ---- field channels nobody receives from ----

// subscription's acks channel is unbuffered and nothing in the package receives from it: the
// dispatcher's first ack blocks it for good (the near miss of stranded's buffered epochReg).
type subscription struct {
	acks chan error
}

type hub struct {
	subs chan *subscription
}

func NewHub() *hub {
	h := &hub{subs: make(chan *subscription)}
	go h.dispatch()
	return h
}

func (h *hub) Subscribe() { h.subs <- &subscription{acks: make(chan error)} }

func (h *hub) dispatch() {
	for s := range h.subs {
		s.acks <- nil // want `send on field acks blocks forever`
	}
}

// ---- buffered channels sent on from callbacks other packages run ----

// ReindexEach (the near miss of stranded.ReindexInBackground): the callbacks are handed out in a loop, each sending on the one
// buffer nobody reads; the second send blocks for good.
func ReindexEach(g *errgroup.Group, shards []string) {
	finished := make(chan error, 1)
	for range shards {
		g.Go(func() error {
			finished <- reindex() // want `send on the channel made at line \d+ blocks forever`
			return nil
		})
	}
}

func reindex() error { return nil }

// ---- a server's Run that parks its caller on purpose ----

// Dashboard's Run ends waiting on a stop channel it makes itself and that no goroutine of the
// package holds (its serve goroutine only compares it with nil): Run blocks the command that
// calls it until the process is killed, on purpose, and a caller that blocks is seen at once.
type Dashboard struct {
	stopCh chan struct{}
}

func (d *Dashboard) Run() {
	go d.serve()
	d.stopCh = make(chan struct{})
	<-d.stopCh
}

func (d *Dashboard) serve() {
	if d.stopCh == nil {
		return
	}
}

// Collector's Run is the near miss: its flusher goroutine holds the stop channel and waits on it
// too, so somebody was meant to close it, and both waits block for good.
type Collector struct {
	stopCh chan struct{}
}

func (c *Collector) Run() {
	c.stopCh = make(chan struct{})
	go c.flush()
	<-c.stopCh // want `receive from field stopCh blocks forever`
}

func (c *Collector) flush() {
	<-c.stopCh // want `receive from field stopCh blocks forever`
}
