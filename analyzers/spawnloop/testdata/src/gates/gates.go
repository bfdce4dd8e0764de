// Package gates holds the bounds taken from held-out runs 1-3, in the shapes of the code they came
// from, each beside a near miss that is still unbounded: a blocking receive from a token pool
// before the spawn (whoever puts the token back), one spawn per distinct key of a map, and callees
// whose goroutines are all waited for before they return.
package gates

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"cmap"
)

type Item struct{ ID string }

func handle(Item)    {}
func work(string)    {}
func process([]byte) {}

// ---- 1. Token pools and gating receives ----

type store struct {
	wg     sync.WaitGroup
	poolCh chan struct{}
	tokens chan *token
}

type token struct{ n int }

// recoverAll takes a token from the pool before each spawn; the named method recoverOne puts it
// back (nats-streaming-server stores/filestore.go): bounded.
func (s *store) recoverAll(r *http.Request) {
	var items []Item
	_ = json.NewDecoder(r.Body).Decode(&items)
	for _, it := range items {
		<-s.poolCh
		s.wg.Add(1)
		go s.recoverOne(it)
	}
	s.wg.Wait()
}

func (s *store) recoverOne(it Item) {
	defer func() {
		s.wg.Done()
		s.poolCh <- struct{}{}
	}()
	handle(it)
}

// recoverSome is the near miss of recoverAll: the receive sits under an if that can skip it.
func (s *store) recoverSome(r *http.Request) {
	var items []Item
	_ = json.NewDecoder(r.Body).Decode(&items)
	for _, it := range items {
		if it.ID == "" {
			<-s.poolCh
		}
		go s.recoverOne(it) // want `go statement in range over items decoded from r.Body starts one goroutine per item`
	}
}

// withToken receives a token value and hands it to the goroutine, which returns it through a
// named function: bounded.
func (s *store) withToken(sc *bufio.Scanner) {
	for sc.Scan() {
		line := sc.Text()
		tok := <-s.tokens
		go s.useToken(tok, line)
	}
}

func (s *store) useToken(t *token, line string) {
	defer s.giveBack(t)
	work(line)
}

func (s *store) giveBack(t *token) { s.tokens <- t }

// selectToken waits for a token or for cancellation, which returns: bounded.
func (s *store) selectToken(ctx context.Context, sc *bufio.Scanner) {
	for sc.Scan() {
		line := sc.Text()
		select {
		case <-ctx.Done():
			return
		case <-s.poolCh:
		}
		go s.release(line)
	}
}

// selectCase spawns inside the case that took the token: bounded.
func (s *store) selectCase(ctx context.Context, sc *bufio.Scanner) {
	for sc.Scan() {
		line := sc.Text()
		select {
		case <-ctx.Done():
			return
		case t := <-s.tokens:
			go func() { defer s.giveBack(t); work(line) }()
		}
	}
}

// selectFallThrough is the near miss of selectToken: the Done case neither returns nor
// continues, so after cancellation every line spawns without a token.
func (s *store) selectFallThrough(ctx context.Context, sc *bufio.Scanner) {
	for sc.Scan() {
		line := sc.Text()
		select {
		case <-ctx.Done():
		case <-s.poolCh:
		}
		go s.release(line) // want `go statement in loop over lines scanned by sc.Scan starts one goroutine per item`
	}
}

func (s *store) release(line string) {
	defer func() { s.poolCh <- struct{}{} }()
	work(line)
}

type gate struct{ ready chan struct{} }

func (g *gate) open() { close(g.ready) }

// afterReady is a near miss of recoverAll: g.ready is closed once and never blocks again, so it
// gates nothing.
func (g *gate) afterReady(sc *bufio.Scanner) {
	for sc.Scan() {
		line := sc.Text()
		<-g.ready
		go work(line) // want `go statement in loop over lines scanned by sc.Scan starts one goroutine per item`
	}
}

// The receive is the item source itself: a channel fed from a read loop is not a gate.
type mailbox struct{ inbox chan Item }

func (m *mailbox) readAll(dec *json.Decoder) {
	for {
		var it Item
		if err := dec.Decode(&it); err != nil {
			return
		}
		m.inbox <- it
	}
}

func (m *mailbox) dispatch() {
	for {
		it := <-m.inbox
		go handle(it) // want `go statement in receive loop on channel m.inbox fed by loop reading one item per dec.Decode call at gates.go:\d+ starts one goroutine per item`
	}
}

// ---- 2. One spawn per distinct key ----

// udpListener is the frp shape (pkg/util/net/udp.go): one fake connection, with its idle
// watchdog goroutine, per remote address; a dead one is replaced in the map. The datagrams come
// through a decoded stream here (a read loop over a UDP socket itself is an accept loop, see
// package udppeers).
type udpListener struct {
	conns map[string]*fakeConn
}

type fakeConn struct {
	mu     sync.Mutex
	closed bool
}

func newFakeConn() *fakeConn { // want newFakeConn:"spawns per call"
	fc := &fakeConn{}
	go func() {
		time.Sleep(5 * time.Second)
		fc.mu.Lock()
		fc.closed = true
		fc.mu.Unlock()
	}()
	return fc
}

func (c *fakeConn) isClosed() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.closed }
func (c *fakeConn) put([]byte)     {}

// datagram is a relayed packet with its sender, as a tunnel's control stream carries it.
type datagram struct {
	From string
	Data []byte
}

func (l *udpListener) readLoop(dec *json.Decoder) {
	for {
		var d datagram
		if err := dec.Decode(&d); err != nil {
			return
		}
		fc, exist := l.conns[d.From]
		if !exist || fc.isClosed() {
			fc = newFakeConn()
			l.conns[d.From] = fc
		}
		fc.put(d.Data)
	}
}

// readLoopNoRegistry is the near miss of readLoop: it looks the address up but never stores the
// new connection, so every packet from an unknown address starts another watchdog.
func (l *udpListener) readLoopNoRegistry(dec *json.Decoder) {
	for {
		var d datagram
		if err := dec.Decode(&d); err != nil {
			return
		}
		fc, exist := l.conns[d.From]
		if !exist {
			fc = newFakeConn() // want `call to newFakeConn in loop reading one item per dec.Decode call starts one goroutine per item \(newFakeConn starts a goroutine on every call\)`
		}
		fc.put(d.Data)
	}
}

// fetchDistinct starts one fetch per distinct key of the lines: a local set, kept across the
// loop.
func fetchDistinct(sc *bufio.Scanner) {
	seen := map[string]bool{}
	for sc.Scan() {
		k := sc.Text()
		if !seen[k] {
			seen[k] = true
			go work(k)
		}
	}
}

// fetchFresh is the near miss of fetchDistinct: the set is made anew in every iteration.
func fetchFresh(sc *bufio.Scanner) {
	for sc.Scan() {
		k := sc.Text()
		seen := map[string]bool{}
		if !seen[k] {
			seen[k] = true
			go work(k) // want `go statement in loop over lines scanned by sc.Scan starts one goroutine per item`
		}
	}
}

// watchOnce registers each key in a sync.Map and spawns only when it was not there.
func watchOnce(sc *bufio.Scanner, watching *sync.Map) {
	for sc.Scan() {
		k := sc.Text()
		if _, loaded := watching.LoadOrStore(k, true); !loaded {
			go work(k)
		}
	}
}

// watchLoaded is the near miss of watchOnce: it spawns when the key was already there, i.e. for
// every repeated line.
func watchLoaded(sc *bufio.Scanner, watching *sync.Map) {
	for sc.Scan() {
		k := sc.Text()
		if _, loaded := watching.LoadOrStore(k, true); loaded {
			go work(k) // want `go statement in loop over lines scanned by sc.Scan starts one goroutine per item`
		}
	}
}

// skipKnown continues on a key already in a local map (the registry rule for locals).
func skipKnown(sc *bufio.Scanner) {
	inflight := map[string]*Item{}
	for sc.Scan() {
		k := sc.Text()
		if inflight[k] != nil {
			continue
		}
		inflight[k] = &Item{ID: k}
		go work(k)
	}
}

// The tailscale shape (control/controlclient/direct.go): a ping request from the map stream is
// answered in a goroutine only when a check-and-record predicate says it is new.
type direct struct {
	mu       sync.Mutex
	lastPing string
}

type ping struct{ URL string }

type mapResponse struct{ Ping *ping }

func (c *direct) isUniquePing(p *ping) bool {
	if p == nil || p.URL == "" {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.URL == c.lastPing {
		return false
	}
	c.lastPing = p.URL
	return true
}

func (c *direct) answer(*ping) {}

func (c *direct) isValidPing(p *ping) bool { return p != nil && p.URL != "" }

func (c *direct) streamMaps(body io.Reader) {
	dec := json.NewDecoder(body)
	for {
		var resp mapResponse
		if err := dec.Decode(&resp); err != nil {
			return
		}
		if p := resp.Ping; p != nil && c.isUniquePing(p) {
			go c.answer(p)
		}
	}
}

// streamMapsValid is the near miss of streamMaps: the predicate checks the request but records
// nothing, so every message with a ping spawns.
func (c *direct) streamMapsValid(body io.Reader) {
	dec := json.NewDecoder(body)
	for {
		var resp mapResponse
		if err := dec.Decode(&resp); err != nil {
			return
		}
		if p := resp.Ping; c.isValidPing(p) {
			go c.answer(p) // want `go statement in loop reading one item per dec.Decode call starts one goroutine per item`
		}
	}
}

// ---- 3. Callees whose goroutines are waited for ----

type brokerStats struct{ partitions cmap.Map[string, int] }

// update calls Items, which waits for every goroutine it starts: no fact, so the stream loop
// below is silent (seaweedfs weed/mq/broker/broker_grpc_pub_balancer.go).
func (b *brokerStats) update() int { return len(b.partitions.Items()) }

// refresh calls Refresh, which defers its wait.
func (b *brokerStats) refresh() { b.partitions.Refresh() }

type statsStream interface {
	Recv() (*Item, error)
	RecvMsg(any) error
}

func (b *brokerStats) balance(stream statsStream) {
	for {
		if _, err := stream.Recv(); err != nil {
			return
		}
		b.update()
		b.refresh()
	}
}

// touch calls Touch, whose goroutine outlives the call: spawns per call.
func (b *brokerStats) touch() { b.partitions.Touch() } // want touch:"spawns per call"

// balanceTouch is the near miss of balance: every message leaves a goroutine behind. (A gRPC
// stream's Recv is input only with report-unknown-sources; these read frames from a decoder.)
func (b *brokerStats) balanceTouch(dec *json.Decoder) {
	for {
		var it Item
		if err := dec.Decode(&it); err != nil {
			return
		}
		b.touch() // want `call to touch in loop reading one item per dec.Decode call starts one goroutine per item \(touch starts a goroutine on every call\)`
	}
}

// snapshotEach keeps the iterator's channel without draining it: one goroutine per message.
func (b *brokerStats) snapshotEach(dec *json.Decoder) {
	for {
		var it Item
		if err := dec.Decode(&it); err != nil {
			return
		}
		ch := b.partitions.Snapshot() // want `call to Snapshot in loop reading one item per dec.Decode call starts one goroutine per item \(Snapshot starts a goroutine on every call\)`
		_ = ch
	}
}
