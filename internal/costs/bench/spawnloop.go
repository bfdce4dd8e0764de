package bench

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// taskSink keeps the tasks' results alive so the compiler cannot drop the work.
var taskSink atomic.Uint64

// task is a short CPU-bound unit of work, about a microsecond.
//
//go:noinline
func task(i int) {
	h := uint64(i) + 1
	for range 400 {
		h ^= h << 13
		h ^= h >> 7
		h ^= h << 17
	}
	taskSink.Add(h & 1)
}

// The spawnloop shapes: one goroutine per item (what the analyzer reports) and two bounded fixes.
const (
	ShapeUnbounded = "unbounded" // go task(i) for every item
	ShapePool      = "pool"      // GOMAXPROCS workers reading items from a channel
	ShapeSetLimit  = "setlimit"  // errgroup.Group with SetLimit(GOMAXPROCS)
)

// runTasks runs n tasks in the given shape and returns the largest goroutine count it saw, sampled
// by the spawning loop itself every 256 items.
func runTasks(shape string, n int) (peak int, err error) {
	procs := runtime.GOMAXPROCS(0)
	sample := func(i int) {
		if i&255 == 0 {
			peak = max(peak, runtime.NumGoroutine())
		}
	}
	switch shape {
	case ShapeUnbounded:
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				task(i)
			}()
			sample(i)
		}
		wg.Wait()
	case ShapePool:
		var wg sync.WaitGroup
		items := make(chan int, procs)
		for range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range items {
					task(i)
				}
			}()
		}
		for i := range n {
			items <- i
			sample(i)
		}
		close(items)
		wg.Wait()
	case ShapeSetLimit:
		var g errgroup.Group
		g.SetLimit(procs)
		for i := range n {
			g.Go(func() error {
				task(i)
				return nil
			})
			sample(i)
		}
		err = g.Wait()
	default:
		return 0, fmt.Errorf("spawn: unknown shape %q", shape)
	}
	return peak, err
}

// spawn runs N short tasks in a fresh process: the first batch measures the peak RSS growth, the
// goroutine peak and the scheduling latency of all goroutines meanwhile; three more batches measure the time per
// task once the runtime has warmed up (free g structs and stacks to reuse).
func spawn(s Spec) (Result, error) {
	var r Result
	n := s.N
	if n <= 0 {
		return r, errors.New("spawn: N must be positive")
	}
	runtime.GC()
	rss0 := rss()
	h0 := readSchedHist()
	t0 := time.Now()
	peak, err := runTasks(s.Shape, n)
	cold := time.Since(t0)
	lat := readSchedHist().since(h0)
	hwm := peakRSS()
	if err != nil {
		return r, err
	}
	best := time.Duration(1 << 62)
	for range 3 {
		t0 := time.Now()
		if _, err := runTasks(s.Shape, n); err != nil {
			return r, err
		}
		best = min(best, time.Since(t0))
	}
	procs := runtime.GOMAXPROCS(0)
	switch {
	case s.Shape == ShapeUnbounded && peak <= 4*procs+4 && n >= 10000:
		return r, fmt.Errorf("spawn unbounded: goroutine peak %d; the batch did not pile up goroutines, nothing measured", peak)
	case s.Shape != ShapeUnbounded && peak > 2*procs+8:
		return r, fmt.Errorf("spawn %s: goroutine peak %d exceeds the bound %d", s.Shape, peak, procs)
	}
	r.Add("ns/task", float64(best)/float64(n))
	r.Add("cold-ns/task", float64(cold)/float64(n))
	r.Add("peak-goroutines", float64(peak))
	r.Add("peak-rss-MiB", float64(max(0, hwm-rss0))/mib)
	r.Add("peak-rss-B/task", per(max(0, hwm-rss0), n))
	r.addLatency("sched-latency-", lat)
	r.Note("%d tasks %s: cold %v, warm best %v, peak %d goroutines, peak RSS +%.1f MiB, scheduling latency p50 %v p99 %v (%d samples)",
		n, s.Shape, cold.Round(time.Microsecond), best.Round(time.Microsecond), peak, float64(max(0, hwm-rss0))/mib, lat.p50, lat.p99, lat.n)
	return r, nil
}
