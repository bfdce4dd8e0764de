// Package bounds holds the shapes of real code whose goroutines are bounded somewhere other than
// by a limiter in the loop, or whose items are a deployment's set, each beside a positive that
// differs only in the bound.
package bounds

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
)

type Event struct{ Bucket, Key string }

func deliver(context.Context, string, Event) {}

// --- Fan-out over configured sets, arriving as parameters or fields, with a WaitGroup.

type Target struct{ ARN, Endpoint string }

type notifier struct {
	targets []Target
	nodes   map[string]string
}

// send notifies every configured target: the targets are the notifier's own field, passed to an
// unexported helper. The deployment sizes them, not the input: silent.
func (n *notifier) send(ctx context.Context, ev Event) {
	n.sendTo(ctx, n.targets, ev)
}

func (n *notifier) sendTo(ctx context.Context, targets []Target, ev Event) { // want sendTo:"spawns per item of targets"
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() { deliver(ctx, t.ARN, ev) })
	}
	wg.Wait()
}

// Broadcast is exported and fans out over a parameter: the caller's nodes are of unknown origin,
// silent by default.
func (n *notifier) Broadcast(ctx context.Context, nodes []string, ev Event) { // want Broadcast:"spawns per item of nodes"
	var wg sync.WaitGroup
	for _, node := range nodes {
		wg.Go(func() { deliver(ctx, node, ev) })
	}
	wg.Wait()
}

// sendEvents is the positive beside send: the same fan-out, but its caller passes the events a
// client posted.
func (n *notifier) sendEvents(ctx context.Context, events []Event) { // want sendEvents:"spawns per item of events"
	var wg sync.WaitGroup
	for _, ev := range events {
		wg.Go(func() { deliver(ctx, "", ev) }) // want `sync.WaitGroup.Go in range over parameter events \(ServeHTTP passes events decoded from r.Body at bounds.go:\d+\) starts one goroutine per item`
	}
	wg.Wait()
}

func (n *notifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var events []Event
	if err := json.NewDecoder(r.Body).Decode(&events); err != nil {
		return
	}
	n.sendEvents(r.Context(), events)
}

// --- Batch-bounded callers: the only caller cuts the list into batches and waits for each.

func (n *notifier) healBatch(ctx context.Context, batch []Event) { // want healBatch:"spawns per item of batch"
	var wg sync.WaitGroup
	for _, ev := range batch {
		wg.Go(func() { deliver(ctx, "", ev) })
	}
	wg.Wait()
}

func (n *notifier) HealPosted(w http.ResponseWriter, r *http.Request) {
	var events []Event
	if err := json.NewDecoder(r.Body).Decode(&events); err != nil {
		return
	}
	for len(events) > 0 {
		size := min(runtime.GOMAXPROCS(0), 100, len(events))
		n.healBatch(r.Context(), events[:size])
		events = events[size:]
	}
}

// putFanOut is called with the whole list only when it is shorter than the batch size, and with
// a batch otherwise (the minio post-policy fan-out shape): silent.
func (n *notifier) putFanOut(ctx context.Context, entries []Event) { // want putFanOut:"spawns per item of entries"
	var wg sync.WaitGroup
	for _, ev := range entries {
		wg.Go(func() { deliver(ctx, "", ev) })
	}
	wg.Wait()
}

func (n *notifier) PostFanOut(w http.ResponseWriter, r *http.Request) {
	var entries []Event
	if err := json.NewDecoder(r.Body).Decode(&entries); err != nil {
		return
	}
	size := min(runtime.GOMAXPROCS(0), 100)
	for {
		if len(entries) < size {
			n.putFanOut(r.Context(), entries)
			return
		}
		n.putFanOut(r.Context(), entries[:size])
		entries = entries[size:]
	}
}

// healInline cuts the batches itself and waits after each: silent. healAll, the positive beside
// it, waits only at the end.
func healInline(ctx context.Context, r io.Reader) {
	var events []Event
	if json.NewDecoder(r).Decode(&events) != nil {
		return
	}
	for i := 0; i < len(events); i += 64 {
		var wg sync.WaitGroup
		for _, ev := range events[i:min(i+64, len(events))] {
			wg.Go(func() { deliver(ctx, "", ev) })
		}
		wg.Wait()
	}
}

func healAll(ctx context.Context, r io.Reader) {
	var events []Event
	if json.NewDecoder(r).Decode(&events) != nil {
		return
	}
	var wg sync.WaitGroup
	for _, ev := range events {
		wg.Go(func() { deliver(ctx, "", ev) }) // want `sync.WaitGroup.Go in range over events decoded from r starts one goroutine per item`
	}
	wg.Wait()
}

// --- An in-flight counter compared against a maximum before the spawn.

type receiver struct {
	inflight    int32
	maxInflight int32
	msgs        chan Event
}

// readLoop feeds msgs from the network.
func (s *receiver) readLoop(c net.Conn) {
	dec := json.NewDecoder(c)
	for {
		var ev Event
		if err := dec.Decode(&ev); err != nil {
			return
		}
		s.msgs <- ev
	}
}

func (s *receiver) process(ctx context.Context) {
	for ev := range s.msgs {
		if atomic.LoadInt32(&s.inflight) >= s.maxInflight {
			continue // dropped: too many in flight
		}
		atomic.AddInt32(&s.inflight, 1)
		go func() {
			defer atomic.AddInt32(&s.inflight, -1)
			deliver(ctx, "", ev)
		}()
	}
}

// processAll is the positive beside process: the same receive loop without the counter.
func (s *receiver) processAll(ctx context.Context) {
	for ev := range s.msgs {
		go deliver(ctx, "", ev) // want `go statement in range over channel s.msgs fed by loop reading one item per dec.Decode call at bounds.go:\d+ starts one goroutine per item`
	}
}

// --- Extra workers only while workers < maxWorkers (mutex-guarded counter).

type pool struct {
	mu         sync.Mutex
	workers    int
	maxWorkers int
	queue      chan string
}

func (p *pool) worker(line string) {
	defer func() { p.mu.Lock(); p.workers--; p.mu.Unlock() }()
	_ = line
}

// grow starts an extra worker per line only while the loaded worker count is below the maximum
// (the minio logger shape: n := h.workers.Load(); if n < h.maxWorkers { go ... }): silent.
type logger struct {
	workers    atomic.Int64
	maxWorkers int64
}

func (h *logger) worker(line string) {
	h.workers.Add(1)
	defer h.workers.Add(-1)
	_ = line
}

func (h *logger) grow(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		n := h.workers.Load()
		if n < h.maxWorkers {
			go h.worker(sc.Text())
		}
	}
}

func (p *pool) feed(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		if p.workers < p.maxWorkers {
			p.workers++
			p.mu.Unlock()
			go p.worker(line)
			continue
		}
		p.mu.Unlock()
		p.queue <- line
	}
}

// --- One at a time: cancel the previous goroutine, or wait for its result, before the next.

func watch(context.Context, string) {}

func watchLatest(ctx context.Context, r io.Reader) {
	var cancel context.CancelFunc
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if cancel != nil {
			cancel()
		}
		var wctx context.Context
		wctx, cancel = context.WithCancel(ctx)
		go watch(wctx, sc.Text())
	}
}

type proc struct{ stop chan struct{} }

func (p *proc) Kill() {
	if p != nil {
		close(p.stop)
	}
}

func start(id string) *proc { // want start:"spawns per call"
	p := &proc{stop: make(chan struct{})}
	go func() { <-p.stop }()
	return p
}

// runKeyed kills the previous process of the same id only: the ids come from the input, so the
// processes are as many as the distinct ids (the playground socket shape). Reported.
func runKeyed(r io.Reader) {
	procs := map[string]*proc{}
	dec := json.NewDecoder(r)
	for {
		var m struct{ ID string }
		if dec.Decode(&m) != nil {
			return
		}
		procs[m.ID].Kill()
		procs[m.ID] = start(m.ID) // want `call to start in loop reading one item per dec.Decode call starts one goroutine per item`
	}
}

// runLatest kills the one previous process before starting the next: one at a time, silent.
func runLatest(r io.Reader) {
	var cur *proc
	dec := json.NewDecoder(r)
	for {
		var m struct{ ID string }
		if dec.Decode(&m) != nil {
			return
		}
		cur.Kill()
		cur = start(m.ID)
	}
}

// chained starts the next fetch only after the previous one's result arrived.
func chained(r io.Reader) {
	var pending chan struct{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if pending != nil {
			<-pending
		}
		pending = make(chan struct{})
		line := sc.Text()
		go func() {
			defer close(pending)
			watch(context.Background(), line)
		}()
	}
}

// --- One read loop per connection.

type peer struct {
	conn net.Conn
	name string
}

func (p *peer) readMessages() {}

// servePeers starts one reader per connected peer (a struct carrying a connection): one read loop
// per connection, governed by report-accept-loops, not per item.
func servePeers(added <-chan *peer) {
	for p := range added {
		go p.readMessages()
	}
}

// admit counts the message in and compares the result with the maximum in one step: silent.
type admitter struct {
	active atomic.Int64
	max    int64
}

func (a *admitter) admit(ctx context.Context, r io.Reader) {
	dec := json.NewDecoder(r)
	for {
		var ev Event
		if dec.Decode(&ev) != nil {
			return
		}
		if n := a.active.Add(1); n > a.max {
			a.active.Add(-1)
			continue
		}
		go func() {
			defer a.active.Add(-1)
			deliver(ctx, "", ev)
		}()
	}
}
