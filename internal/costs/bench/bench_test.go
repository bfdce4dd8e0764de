package bench_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/costs/bench"
)

var large = flag.Bool("costs.large", false, "also measure 10^6 parked goroutines (maps about 2.6 GB)")

func TestMain(m *testing.M) {
	bench.ServeChild()
	os.Exit(m.Run())
}

// sizes are the benchmark sizes: bench.Full, or bench.Large with -costs.large.
func sizes() bench.Sizes {
	if *large {
		return bench.Large
	}
	return bench.Full
}

// runItems runs, as sub-benchmarks, the suite items whose benchmark function is fn. Each iteration
// is one fresh child process; the reported metrics are the means over the iterations that produced
// them (a late-write server that crashed cannot report what its late writes returned).
func runItems(b *testing.B, fn string) {
	b.Helper()
	found := false
	for _, it := range bench.Items(sizes()) {
		if it.Func() != fn {
			continue
		}
		found = true
		run := func(b *testing.B) {
			sums := map[string]float64{}
			counts := map[string]int{}
			var units []string
			for i := 0; i < b.N; i++ {
				r, stderr, err := bench.Run(context.Background(), it.Spec)
				if errors.Is(err, bench.ErrUnavailable) {
					b.Skip(err)
				}
				if err != nil {
					b.Fatalf("%v\nchild stderr:\n%s", err, stderr)
				}
				for _, m := range r.Metrics {
					if _, ok := sums[m.Unit]; !ok {
						units = append(units, m.Unit)
					}
					sums[m.Unit] += m.Value
					counts[m.Unit]++
				}
				if i == b.N-1 {
					for _, n := range r.Notes {
						b.Log(n)
					}
				}
			}
			for _, u := range units {
				b.ReportMetric(sums[u]/float64(counts[u]), u)
			}
		}
		if sub := it.Sub(); sub != "" {
			b.Run(sub, run)
		} else {
			run(b)
		}
	}
	if !found {
		b.Fatalf("no suite item for %s", fn)
	}
}

// BenchmarkCtxdoneParked: stack, heap, RSS and GC time per goroutine parked on a channel, at 10^4
// and 10^5 goroutines (10^6 with -costs.large), and the heap that stays after they exit.
func BenchmarkCtxdoneParked(b *testing.B) { runItems(b, "BenchmarkCtxdoneParked") }

// BenchmarkCtxdoneLeak: goroutines and bytes left behind per call by the leaky result-channel
// shape (unbuffered) and the fixed shape (buffered, capacity 1) when the caller gives up.
func BenchmarkCtxdoneLeak(b *testing.B) { runItems(b, "BenchmarkCtxdoneLeak") }

// BenchmarkCtxdoneRetained: the same, with a 64 KiB result the leaked worker keeps reachable.
func BenchmarkCtxdoneRetained(b *testing.B) { runItems(b, "BenchmarkCtxdoneRetained") }

// BenchmarkSpawnloopPerItem: 10^5 short tasks, one goroutine each (unbounded), through GOMAXPROCS
// workers (pool) and through errgroup.SetLimit(GOMAXPROCS) (setlimit): time per task, goroutine
// and RSS peaks, and the wake-up delay of another goroutine meanwhile.
func BenchmarkSpawnloopPerItem(b *testing.B) { runItems(b, "BenchmarkSpawnloopPerItem") }

// BenchmarkHotcgoCrossing: one call of an empty C function (cgo) versus an empty Go function
// that is not inlined (go).
func BenchmarkHotcgoCrossing(b *testing.B) {
	b.Run("cgo", func(b *testing.B) {
		if !bench.CgoAvailable() {
			b.Skip("built without cgo")
		}
		for b.Loop() {
			bench.CgoCall()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/call")
	})
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			bench.GoCall()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/call")
	})
}

// BenchmarkHotcgoThreads: OS threads created, batch time and scheduling latency when 200 goroutines
// block in C for 20 ms at once (unbounded), behind a semaphore of GOMAXPROCS (bounded), blocking in
// Go's time.Sleep instead (gosleep, for comparison), and blocking in C for only 5 ms after the
// process idled (unbounded-short: sysmon does not hand off the Ps, the calls hold them).
func BenchmarkHotcgoThreads(b *testing.B) { runItems(b, "BenchmarkHotcgoThreads") }

// BenchmarkAsyncwriteLateWrite: 200 loopback requests from 1, 4, 50 and 200 connections at once
// (load=N), whose handler writes 100 B from a goroutine 100 µs after returning (leaky), the same
// after flushing a streaming response first (leaky-flushed; leaky-flushed-2ms: 2 ms after), or
// waits for it (fixed): where the late bytes end up, and whether the late goroutine's panic crashed
// the server (it runs in a child process, with no recover, as real code has; crashed-runs-% is the
// share of iterations that crashed).
func BenchmarkAsyncwriteLateWrite(b *testing.B) { runItems(b, "BenchmarkAsyncwriteLateWrite") }

// BenchmarkAsyncwriteRequestContext: a goroutine working under r.Context() after the handler
// returned (leaky) versus under context.WithoutCancel(r.Context()) (fixed).
func BenchmarkAsyncwriteRequestContext(b *testing.B) {
	runItems(b, "BenchmarkAsyncwriteRequestContext")
}

// BenchmarkClaimStartingStack: the stack a new goroutine gets, in a fresh process and after the
// adaptive starting size has seen deeper stacks (with and without GODEBUG=adaptivestackstart=0).
func BenchmarkClaimStartingStack(b *testing.B) { runItems(b, "BenchmarkClaimStartingStack") }

// BenchmarkClaimChanSenders: time per message on one unbuffered channel with 1 to 10^5 senders.
func BenchmarkClaimChanSenders(b *testing.B) { runItems(b, "BenchmarkClaimChanSenders") }

// BenchmarkClaimStackMapping: whether a goroutine stack lives in a MAP_GROWSDOWN mapping.
func BenchmarkClaimStackMapping(b *testing.B) { runItems(b, "BenchmarkClaimStackMapping") }

// TestItemsHaveBenchmarks checks that every suite item's benchmark function exists in this file,
// so the command's table and the benchmarks cannot drift apart.
func TestItemsHaveBenchmarks(t *testing.T) {
	src, err := os.ReadFile("bench_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range []bench.Sizes{bench.Full, bench.Large, bench.Quick} {
		for _, it := range bench.Items(z) {
			if !strings.Contains(string(src), "func "+it.Func()+"(b *testing.B)") {
				t.Errorf("item %s: no benchmark function %s", it.Key, it.Func())
			}
		}
	}
}
