// Package unknown is analysed with report-unknown-sources set: loops over parameters, fields and
// channels nobody is shown to feed from input are reported, as the broad mode of earlier versions
// did. It holds the positives that moved here from package a because their items were only a
// parameter or a field (a/items.go IndexAll, FetchAll, CompressFiles; a/stream.go consume,
// Mailbox.Loop, pullBlocksCounted; a/calls.go Pump, indexAllFor; a/nodes.go shipAll), and the
// bounds and configuration rules that hold in this mode too.
package unknown

import (
	"context"
	"net"
	"sync"
	"time"
)

type Document struct{ ID string }

func index(Document) {}

// IndexAll starts one goroutine per document the caller passes.
func IndexAll(docs []Document) { // want IndexAll:"spawns per item of docs"
	var wg sync.WaitGroup
	for _, d := range docs {
		wg.Add(1)
		go func() { // want `go statement in range over parameter docs starts one goroutine per item`
			defer wg.Done()
			index(d)
		}()
	}
	wg.Wait()
}

// IndexAllBounded is the near miss: a semaphore.
func IndexAllBounded(docs []Document) {
	sem := make(chan struct{}, 8)
	for _, d := range docs {
		sem <- struct{}{}
		go func() { defer func() { <-sem }(); index(d) }()
	}
}

type FetchRequest struct{ URLs []string }

func fetch(string) {}

// FetchAll fans out over a parameter's field.
func FetchAll(req *FetchRequest) { // want FetchAll:"spawns per item of req"
	for _, u := range req.URLs {
		go fetch(u) // want `go statement in range over parameter field req.URLs starts one goroutine per item`
	}
}

// CompressFiles: a counted loop over a parameter's length.
func CompressFiles(paths []string) { // want CompressFiles:"spawns per item of paths"
	for i := 0; i < len(paths); i++ {
		go fetch(paths[i]) // want `go statement in counted loop over parameter paths starts one goroutine per item`
	}
}

// indexAllFor is not a nested fan-out: IndexAll waits for each tenant's goroutines before the
// next call, so at most one tenant's documents run at once.
func indexAllFor(tenants map[string][]Document) {
	for _, docs := range tenants {
		IndexAll(docs)
	}
}

// IndexAsync starts one goroutine per document and does not wait.
func IndexAsync(docs []Document) { // want IndexAsync:"spawns per item of docs"
	for _, d := range docs {
		go index(d) // want `go statement in range over parameter docs starts one goroutine per item`
	}
}

// indexAsyncFor is the near miss of indexAllFor: IndexAsync returns at once, so every tenant's
// documents run at the same time, a nested fan-out over a parameter.
func indexAsyncFor(tenants map[string][]Document) { // want indexAsyncFor:"spawns per item of tenants"
	for _, docs := range tenants {
		IndexAsync(docs) // want `call to IndexAsync in range over parameter tenants starts one goroutine per item of its parameter docs for every item`
	}
}

type Job struct{ ID int }

func handle(Job) {}

// consume ranges over a channel parameter.
func consume(jobs <-chan Job) { // want consume:"spawns per item of jobs"
	for j := range jobs {
		go handle(j) // want `go statement in range over channel parameter jobs starts one goroutine per item`
	}
}

// startN is a worker pool whose size the caller chooses: silent in this mode too.
func startN(n int, jobs <-chan Job) {
	for i := 0; i < n; i++ {
		go func() {
			for j := range jobs {
				handle(j)
			}
		}()
	}
}

type Mailbox struct {
	inbox chan Job
	tick  *time.Ticker
}

// Loop receives from a field channel.
func (m *Mailbox) Loop(ctx context.Context) {
	for {
		select {
		case msg := <-m.inbox:
			go handle(msg) // want `go statement in receive loop on channel m.inbox starts one goroutine per item`
		case <-m.tick.C:
		case <-ctx.Done():
			return
		}
	}
}

type server struct {
	mu         sync.Mutex
	inflight   int
	maxWorkers int
}

// LoopCounted checks an in-flight counter against a maximum before spawning: silent.
func (s *server) LoopCounted(m *Mailbox) {
	for msg := range m.inbox {
		s.mu.Lock()
		for s.inflight >= s.maxWorkers {
			s.mu.Unlock()
			time.Sleep(time.Millisecond)
			s.mu.Lock()
		}
		s.inflight++
		s.mu.Unlock()
		go func() {
			defer func() { s.mu.Lock(); s.inflight--; s.mu.Unlock() }()
			handle(msg)
		}()
	}
}

// pullBlocksCounted only counts its goroutines: wg.Add and wg.Done are no limit.
func pullBlocksCounted(in <-chan Job) { // want pullBlocksCounted:"spawns per item of in"
	var wg sync.WaitGroup
	for b := range in {
		wg.Add(1)
		go func() { // want `go statement in range over channel parameter in starts one goroutine per item`
			defer wg.Done()
			handle(b)
		}()
	}
	wg.Wait()
}

// restartMembers fans out over the cluster's topology: silent in this mode too (names).
func restartMembers(members []string, endpoints []string) {
	for _, m := range members {
		go fetch(m)
	}
	for _, e := range endpoints {
		go fetch(e)
	}
}

type peer struct {
	conn net.Conn
	name string
}

func (p *peer) readMessages() {}

// servePeers starts one reader per connected peer: an accept loop through a channel, silent
// unless report-accept-loops is set.
func servePeers(added <-chan *peer) {
	for p := range added {
		go p.readMessages()
	}
}

type Order struct{ ID string }

func ship(Order) {}

// shipAll fans out over the orders it is passed.
func shipAll(orders []Order) { // want shipAll:"spawns per item of orders"
	var wg sync.WaitGroup
	for _, o := range orders {
		wg.Go(func() { ship(o) }) // want `sync.WaitGroup.Go in range over parameter orders starts one goroutine per item`
	}
	wg.Wait()
}

// shipBatches cuts the orders into batches and waits for each: silent in this mode too.
func shipBatches(orders []Order) {
	for len(orders) > 0 {
		n := min(len(orders), 64)
		var wg sync.WaitGroup
		for _, o := range orders[:n] {
			wg.Go(func() { ship(o) })
		}
		wg.Wait()
		orders = orders[n:]
	}
}

// volumeClient lists volumes of another process: a listing query (List... with a context).
type volumeClient struct{}

func (volumeClient) ListVolumes(ctx context.Context) ([]string, error) { return nil, nil }

func inspectVolume(string) {}

// InspectVolumes starts one goroutine per listed volume: a listing query counts as input only in
// the broad mode (by default it lists deployment state).
func InspectVolumes(ctx context.Context, c volumeClient) {
	vols, _ := c.ListVolumes(ctx)
	var wg sync.WaitGroup
	for _, v := range vols {
		wg.Go(func() { inspectVolume(v) }) // want `sync.WaitGroup.Go in range over listing c.ListVolumes starts one goroutine per item`
	}
	wg.Wait()
}

// InspectVolumesBounded is the near miss: the same listing with a semaphore.
func InspectVolumesBounded(ctx context.Context, c volumeClient) {
	vols, _ := c.ListVolumes(ctx)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, v := range vols {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			inspectVolume(v)
		})
	}
	wg.Wait()
}

type allocator struct{}

func (*allocator) Close() {}

// groupState keeps one allocator per keyspace group in a fixed table; most slots are nil.
type groupState struct {
	allocators [4096]*allocator
}

// CloseAll starts one goroutine per allocator in use: the table has 4096 slots, but how many are
// in use is up to the deployment, so only the broad mode reports it (the near miss of
// a.fanArray, an array of values).
func (s *groupState) CloseAll() {
	var wg sync.WaitGroup
	for _, a := range s.allocators {
		if a == nil {
			continue
		}
		wg.Add(1)
		go func() { // want `go statement in a table of 4096 slots starts one goroutine per item`
			defer wg.Done()
			a.Close()
		}()
	}
	wg.Wait()
}
