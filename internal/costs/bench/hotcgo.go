package bench

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/goroguard/goroguard/internal/costs/bench/cgocall"
)

func cgoAvailable() bool { return cgocall.Available }

// CgoAvailable reports whether this build can call C (it was built with cgo).
func CgoAvailable() bool { return cgocall.Available }

// CgoCall crosses into an empty C function and back. It panics without cgo: check CgoAvailable.
func CgoCall() { cgocall.Noop() }

// GoCall calls an empty Go function that the compiler may not inline: the baseline for CgoCall.
//
//go:noinline
func GoCall() {}

// Crossing times calls of CgoCall and of GoCall, best of three rounds, in nanoseconds per call.
func Crossing(calls int) (cgoNs, goNs float64, err error) {
	if !cgocall.Available {
		return 0, 0, fmt.Errorf("hotcgo crossing: %w (built with CGO_ENABLED=0)", ErrUnavailable)
	}
	round := func(f func()) float64 {
		best := time.Duration(1 << 62)
		for range 3 {
			t0 := time.Now()
			for range calls {
				f()
			}
			best = min(best, time.Since(t0))
		}
		return float64(best) / float64(calls)
	}
	cgoNs = round(CgoCall)
	goNs = round(GoCall)
	if cgoNs <= 0 || goNs <= 0 {
		return 0, 0, errors.New("hotcgo crossing: timer resolution too coarse, nothing measured")
	}
	return cgoNs, goNs, nil
}

// The hotcgo threads shapes.
const (
	ShapeCgoUnbounded = "unbounded" // every goroutine calls into C at once
	ShapeCgoBounded   = "bounded"   // a semaphore of GOMAXPROCS around the C call
	ShapeGoSleep      = "gosleep"   // the same wait in Go (time.Sleep): for comparison, no C
)

// cgoThreads starts N goroutines that each block in C's usleep for Size microseconds and counts
// the OS threads the process gained, the time the batch took, the peak RSS growth, and the
// scheduling latency of all goroutines meanwhile.
func cgoThreads(s Spec) (Result, error) {
	var r Result
	if !cgocall.Available && s.Shape != ShapeGoSleep {
		return r, fmt.Errorf("hotcgo threads: %w (built with CGO_ENABLED=0)", ErrUnavailable)
	}
	n, sleep := s.N, s.Size
	if n <= 0 || sleep <= 0 {
		return r, errors.New("hotcgo threads: N and Size must be positive")
	}
	procs := runtime.GOMAXPROCS(0)
	threadcreate := pprof.Lookup("threadcreate")
	runtime.GC()
	// The process idles for 50 ms first, a goroutine waking every 200 µs, as a server does between
	// bursts: sysmon, which hands the P of a goroutine blocked in C to another thread, has then
	// slowed its tick from 20 µs to 10 ms (runtime/proc.go, func sysmon: after 50 idle ticks the
	// delay doubles, up to 10 ms, about 21 ms in all).
	for t := time.Now(); time.Since(t) < 50*time.Millisecond; {
		time.Sleep(200 * time.Microsecond)
	}
	th0, tc0, rss0 := osThreads(), threadcreate.Count(), rss()
	if th0 == 0 {
		return r, fmt.Errorf("hotcgo threads: %w (no /proc/self/status)", ErrUnavailable)
	}
	h0 := readSchedHist()
	t0 := time.Now()
	var wg sync.WaitGroup
	switch s.Shape {
	case ShapeCgoUnbounded:
		for range n {
			wg.Go(func() { cgocall.SleepMicros(sleep) })
		}
	case ShapeCgoBounded:
		sem := make(chan struct{}, procs)
		for range n {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				cgocall.SleepMicros(sleep)
			})
		}
	case ShapeGoSleep:
		for range n {
			wg.Go(func() { time.Sleep(time.Duration(sleep) * time.Microsecond) })
		}
	default:
		return r, fmt.Errorf("hotcgo threads: unknown shape %q", s.Shape)
	}
	wg.Wait()
	elapsed := time.Since(t0)
	lat := readSchedHist().since(h0)
	th1, tc1, hwm := osThreads(), threadcreate.Count(), peakRSS()
	grew := th1 - th0
	serial := time.Duration(n/procs) * time.Duration(sleep) * time.Microsecond
	switch {
	case s.Shape == ShapeCgoUnbounded && grew < int64(min(n/4, 16)) && elapsed < serial/2:
		// Neither effect: the calls neither got threads of their own nor held the Ps.
		return r, fmt.Errorf("hotcgo threads unbounded: only %d threads created for %d goroutines blocked in C, batch %v; nothing measured", grew, n, elapsed)
	case s.Shape == ShapeCgoBounded && grew > int64(4*procs+8):
		return r, fmt.Errorf("hotcgo threads bounded: %d threads created, more than the bound allows", grew)
	}
	r.Add("threads-created", float64(grew))
	r.Add("threads-created/goroutine", per(grew, n))
	r.Add("threadcreate-profile", float64(tc1-tc0))
	r.Add("batch-ms", float64(elapsed)/float64(time.Millisecond))
	r.Add("peak-rss-MiB", float64(max(0, hwm-rss0))/mib)
	r.Add("batch-x-one-call", float64(elapsed)/float64(time.Duration(sleep)*time.Microsecond))
	r.addLatency("sched-latency-", lat)
	r.Note("%d goroutines blocked %d µs each, %s: threads %d -> %d (threadcreate profile +%d), batch %v, peak RSS +%.1f MiB, scheduling latency p50 %v p99 %v",
		n, sleep, s.Shape, th0, th1, tc1-tc0, elapsed.Round(time.Microsecond), float64(max(0, hwm-rss0))/mib, lat.p50, lat.p99)
	return r, nil
}
