package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// --- ctxdone/parked: what a goroutine parked forever keeps ---

var (
	parkMu    sync.Mutex
	parkGate  chan struct{}
	parkReady sync.WaitGroup
)

// parkedGoroutine is the bare parked goroutine: no closure, no arguments, parked on a receive from a
// channel shared by all of them, so that what it keeps is the runtime's own share: its g, its sudog
// and its stack. A leaked goroutine in real code keeps this plus whatever its closure references.
func parkedGoroutine() {
	parkReady.Done()
	<-parkGate
}

// parked measures N goroutines parked on a channel receive: stack, heap, runtime-mapped memory and
// RSS per goroutine, the per-goroutine cost they add to every GC cycle, and what stays allocated
// after they exit.
func parked(s Spec) (Result, error) {
	var r Result
	n := s.N
	if n <= 0 {
		return r, errors.New("parked: N must be positive")
	}
	parkMu.Lock()
	defer parkMu.Unlock()
	parkGate = make(chan struct{})

	base := readSnapshot(true)
	gcBase := timeGC()

	parkReady.Add(n)
	t0 := time.Now()
	for range n {
		go parkedGoroutine()
	}
	parkReady.Wait()
	if !waitUntil(10*time.Second+time.Duration(n)*20*time.Microsecond, func() bool { return waitingGoroutines() >= base.waiting+int64(n) }) {
		return r, fmt.Errorf("parked: %d goroutines spawned, only %d waiting", n, waitingGoroutines()-base.waiting)
	}
	spawned := time.Since(t0)
	after := readSnapshot(true)
	gcParked := timeGC()
	if got := after.goroutines - base.goroutines; got < int64(n) {
		return r, fmt.Errorf("parked: expected %d more goroutines, runtime counts %d", n, got)
	}
	if after.stacks <= base.stacks {
		return r, errors.New("parked: stack memory did not grow")
	}
	r.Add("stack-B/goroutine", per(after.stacks-base.stacks, n))
	r.Add("heap-B/goroutine", per(after.heap-base.heap, n))
	r.Add("stack+heap-B/goroutine", per(after.stacks-base.stacks+after.heap-base.heap, n))
	r.Add("runtime-B/goroutine", per(after.mapped-base.mapped, n))
	r.Add("rss-B/goroutine", per(after.rss-base.rss, n))
	r.Add("spawn-ns/goroutine", per(int64(spawned), n))
	r.Add("gc-ns/goroutine", per(int64(gcParked-gcBase), n))
	r.Add("starting-stack-B", float64(after.startStack))

	close(parkGate)
	if !waitUntil(10*time.Second, func() bool { return int64(runtime.NumGoroutine()) <= base.goroutines }) {
		return r, errors.New("parked: goroutines did not exit after release")
	}
	end := readSnapshot(true)
	r.Add("heap-kept-after-exit-B/goroutine", per(end.heap-base.heap, n))
	r.Note("%d goroutines parked: stacks %+d B, heap %+d B, RSS %+d B; after exit heap %+d B (g structs are never freed)",
		n, after.stacks-base.stacks, after.heap-base.heap, after.rss-base.rss, end.heap-base.heap)
	return r, nil
}

// timeGC times a full collection, the fastest of three.
func timeGC() time.Duration {
	best := time.Duration(1 << 62)
	for range 3 {
		t0 := time.Now()
		runtime.GC()
		best = min(best, time.Since(t0))
	}
	return best
}

// --- ctxdone leaky versus fixed shape ---

// fetchSending counts the workers of fetch that have their result ready and are about to send it.
var fetchSending atomic.Int64

// fetch is the shape ctxdone reports, and its fix: a goroutine computes a result and sends it on
// a channel while the caller waits for the result or for ctx. With an unbuffered channel (leaky)
// the worker's send blocks forever once the caller has left through ctx.Done; with a buffer of one
// (fixed) the send completes and the worker exits. gate stands for work that takes longer than
// the caller waits; size is the result's size in bytes.
//
//go:noinline
func fetch(ctx context.Context, gate <-chan struct{}, size int, buffered bool) ([]byte, error) {
	var ch chan []byte
	if buffered {
		ch = make(chan []byte, 1)
	} else {
		ch = make(chan []byte)
	}
	go func() {
		<-gate
		var buf []byte
		if size > 0 {
			buf = make([]byte, size)
			for i := range buf {
				buf[i] = byte(i)
			}
		}
		fetchSending.Add(1)
		ch <- buf
	}()
	select {
	case b := <-ch:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// leak makes two rounds of N calls of fetch whose caller gives up (its context is already done):
// after each round it opens the gate so the workers finish, waits for them to exit or park, and
// collects garbage. The first round also pays for the g structs of N workers alive at once, which
// the runtime keeps on its free list for reuse; the second round shows what every further call
// costs, so bytes-left/call is measured over the second round and goroutines-left/call over both.
func leak(s Spec) (Result, error) {
	var r Result
	n := s.N
	var buffered bool
	switch s.Shape {
	case ShapeLeaky:
	case ShapeFixed:
		buffered = true
	default:
		return r, fmt.Errorf("leak: unknown shape %q", s.Shape)
	}
	if n <= 0 {
		return r, errors.New("leak: N must be positive")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the caller's deadline has passed by the time the result is ready

	base := readSnapshot(true)
	round := func(k int) (*snapshot, error) {
		gate := make(chan struct{})
		for range n {
			if _, err := fetch(ctx, gate, s.Size, buffered); err == nil {
				return nil, errors.New("leak: fetch returned a result before the gate opened")
			}
		}
		close(gate)
		var settled bool
		if buffered {
			settled = waitUntil(10*time.Second, func() bool { return int64(runtime.NumGoroutine()) <= base.goroutines })
		} else {
			settled = waitUntil(10*time.Second, func() bool {
				return fetchSending.Load() >= int64(k*n) && waitingGoroutines() >= base.waiting+int64(k*n)
			})
		}
		if !settled {
			return nil, fmt.Errorf("leak %s: workers did not settle (%d goroutines, %d at start)", s.Shape, runtime.NumGoroutine(), base.goroutines)
		}
		return readSnapshot(true), nil
	}
	mid, err := round(1)
	if err != nil {
		return r, err
	}
	end, err := round(2)
	if err != nil {
		return r, err
	}
	left := end.goroutines - base.goroutines
	grew := end.heap - mid.heap + end.stacks - mid.stacks
	r.Add("goroutines-left/call", per(left, 2*n))
	r.Add("bytes-left/call", per(grew, n))
	r.Add("heap-left-B/call", per(end.heap-mid.heap, n))
	r.Add("stack-left-B/call", per(end.stacks-mid.stacks, n))
	r.Add("rss-left-B/call", per(end.rss-mid.rss, n))
	r.Add("first-round-bytes-left/call", per(mid.heap-base.heap+mid.stacks-base.stacks, n))
	switch {
	case !buffered && left < int64(2*n):
		return r, fmt.Errorf("leak leaky: expected %d goroutines left, got %d", 2*n, left)
	case !buffered && s.Size > 0 && end.heap-mid.heap < int64(n)*int64(s.Size)*9/10:
		return r, fmt.Errorf("leak leaky: expected at least %d B of buffers retained, got %d", n*s.Size, end.heap-mid.heap)
	case buffered && left > 0:
		return r, fmt.Errorf("leak fixed: %d goroutines left", left)
	}
	r.Note("2 rounds of %d calls, shape %s, result %d B: %d goroutines left; round 1 left %d B of heap+stack, round 2 %d B",
		n, s.Shape, s.Size, left, mid.heap-base.heap+mid.stacks-base.stacks, grew)
	return r, nil
}
