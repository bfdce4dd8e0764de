package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Sizes are the sizes the suite measures at.
type Sizes struct {
	Parked         []int // goroutines parked at once (ctxdone/parked)
	LeakCalls      int   // calls of the leaky and fixed shapes (ctxdone)
	RetainedCalls  int   // calls whose leaked worker holds a buffer
	RetainedBytes  int   // the buffer's size
	Tasks          int   // short tasks (spawnloop)
	CgoCalls       int   // calls per timing round (hotcgo crossing)
	CgoBlocked     int   // goroutines blocked in C at once (hotcgo threads)
	CgoSleepMicros int   // how long each blocks: longer than sysmon's slowest tick (10 ms)
	CgoShortMicros int   // a shorter block, under sysmon's slowest tick
	Requests       int   // loopback requests (asyncwrite), per run
	LateMicros     int   // how long after the handler returned the late write comes
	LateSlowMicros int   // a later late write, as a goroutine doing some work first would make
	LateLoads      []int // concurrent requests (client connections) the late write is measured at
	LateRuns       int   // runs per late-write load: each is a fresh server, which a panic can crash
	WorkMicros     int   // the work a goroutine does under the request context
	StartStackN    int   // goroutines parked to measure the starting stack
	DeepStackBytes int   // stack used by the goroutines the adaptive sizing learns from
	Senders        []int // concurrent senders on one unbuffered channel
	SenderMessages int   // messages sent in all
}

// Full are the sizes of the benchmarks and of goroguard-costs by default.
var Full = Sizes{
	Parked:         []int{10_000, 100_000},
	LeakCalls:      10_000,
	RetainedCalls:  1_000,
	RetainedBytes:  64 << 10,
	Tasks:          100_000,
	CgoCalls:       1_000_000,
	CgoBlocked:     200,
	CgoSleepMicros: 20_000,
	CgoShortMicros: 5_000,
	Requests:       200,
	LateMicros:     100,
	LateSlowMicros: 2_000,
	LateLoads:      []int{1, 4, 50, 200},
	LateRuns:       20,
	WorkMicros:     5_000,
	StartStackN:    10_000,
	DeepStackBytes: 2_048,
	Senders:        []int{1, 100, 10_000, 100_000},
	SenderMessages: 1_000_000,
}

// Large adds the 10^6-goroutine size to Full (opt-in: it maps about 2.6 GB).
var Large = func() Sizes {
	z := Full
	z.Parked = []int{10_000, 100_000, 1_000_000}
	return z
}()

// Quick are small sizes for the command's test and a fast look.
var Quick = Sizes{
	Parked:         []int{2_000},
	LeakCalls:      1_000,
	RetainedCalls:  100,
	RetainedBytes:  64 << 10,
	Tasks:          10_000,
	CgoCalls:       100_000,
	CgoBlocked:     32,
	CgoSleepMicros: 20_000,
	CgoShortMicros: 5_000,
	Requests:       40,
	LateMicros:     100,
	LateSlowMicros: 2_000,
	LateLoads:      []int{4, 50},
	LateRuns:       1,
	WorkMicros:     5_000,
	StartStackN:    2_000,
	DeepStackBytes: 2_048,
	Senders:        []int{1, 1_000},
	SenderMessages: 100_000,
}

// Item is one measurement of the suite: which finding or claim it backs, the benchmark that makes
// the same measurement, and the metrics a summary table shows.
type Item struct {
	// Key is the figure key ("ctxdone/parked", as in costs.Figure.Key) or "claim/<name>".
	Key string
	// Bench is the benchmark, "BenchmarkX/sub", that runs the same Spec.
	Bench string
	// Spec is the measurement. A zero Spec.Case means an in-process measurement (hotcgo crossing).
	Spec Spec
	// Headline lists the metric units a summary shows, most important first.
	Headline []string
	// Runs is how many fresh child processes Measure runs and averages (0 or 1: one). The
	// late-write loads need several: whether a run crashes is itself the measurement.
	Runs int
}

// Sub is the sub-benchmark part of Bench, after the function name.
func (it Item) Sub() string {
	_, sub, _ := strings.Cut(it.Bench, "/")
	return sub
}

// Func is the benchmark function part of Bench.
func (it Item) Func() string {
	f, _, _ := strings.Cut(it.Bench, "/")
	return f
}

// CrossingCase names the in-process hotcgo crossing measurement.
const CrossingCase = "hotcgo-crossing"

// Items lists the suite at the given sizes, in the order of the documented table.
func Items(z Sizes) []Item {
	var items []Item
	add := func(key, bench string, s Spec, headline ...string) {
		items = append(items, Item{Key: key, Bench: bench, Spec: s, Headline: headline})
	}
	for _, n := range z.Parked {
		add("ctxdone/parked", fmt.Sprintf("BenchmarkCtxdoneParked/n=%d", n), Spec{Case: CaseParked, N: n},
			"stack-B/goroutine", "heap-B/goroutine", "rss-B/goroutine", "gc-ns/goroutine", "heap-kept-after-exit-B/goroutine")
	}
	for _, sh := range []string{ShapeLeaky, ShapeFixed} {
		add("ctxdone/parked", "BenchmarkCtxdoneLeak/"+sh, Spec{Case: CaseLeak, Shape: sh, N: z.LeakCalls},
			"goroutines-left/call", "bytes-left/call", "rss-left-B/call")
	}
	for _, sh := range []string{ShapeLeaky, ShapeFixed} {
		add("ctxdone/parked", "BenchmarkCtxdoneRetained/"+sh, Spec{Case: CaseLeak, Shape: sh, N: z.RetainedCalls, Size: z.RetainedBytes},
			"goroutines-left/call", "bytes-left/call", "rss-left-B/call")
	}
	for _, sh := range []string{ShapeUnbounded, ShapePool, ShapeSetLimit} {
		add("spawnloop/per-item", "BenchmarkSpawnloopPerItem/"+sh, Spec{Case: CaseSpawn, Shape: sh, N: z.Tasks},
			"ns/task", "peak-goroutines", "peak-rss-MiB", "sched-latency-p99-µs")
	}
	add("hotcgo/crossing", "BenchmarkHotcgoCrossing/cgo", Spec{Case: CrossingCase, Shape: "cgo", N: z.CgoCalls}, "ns/call")
	add("hotcgo/crossing", "BenchmarkHotcgoCrossing/go", Spec{Case: CrossingCase, Shape: "go", N: z.CgoCalls}, "ns/call")
	for _, sh := range []string{ShapeCgoUnbounded, ShapeCgoBounded, ShapeGoSleep} {
		add("hotcgo/threads", "BenchmarkHotcgoThreads/"+sh, Spec{Case: CaseCgoThreads, Shape: sh, N: z.CgoBlocked, Size: z.CgoSleepMicros},
			"threads-created", "batch-ms", "peak-rss-MiB", "sched-latency-p99-µs")
	}
	add("hotcgo/threads", "BenchmarkHotcgoThreads/unbounded-short", Spec{Case: CaseCgoThreads, Shape: ShapeCgoUnbounded, N: z.CgoBlocked, Size: z.CgoShortMicros},
		"threads-created", "batch-ms", "peak-rss-MiB", "sched-latency-p99-µs")
	lateHeadline := []string{"crashed-runs-%", "late-delivered-%", "late-lost-%", "late-misdirected-%", "late-write-errors-%", "requests-failed-%", "runs"}
	for _, sh := range []string{ShapeLeaky, ShapeLeakyFlushed, ShapeFixed} {
		for _, c := range z.LateLoads {
			add("asyncwrite/late-write", fmt.Sprintf("BenchmarkAsyncwriteLateWrite/%s-load=%d", sh, c), Spec{Case: CaseLateWrite, Shape: sh, N: z.Requests, Size: z.LateMicros, Conns: c}, lateHeadline...)
			items[len(items)-1].Runs = z.LateRuns
		}
	}
	for _, c := range z.LateLoads {
		add("asyncwrite/late-write", fmt.Sprintf("BenchmarkAsyncwriteLateWrite/%s-2ms-load=%d", ShapeLeakyFlushed, c), Spec{Case: CaseLateWrite, Shape: ShapeLeakyFlushed, N: z.Requests, Size: z.LateSlowMicros, Conns: c}, lateHeadline...)
		items[len(items)-1].Runs = z.LateRuns
	}
	for _, sh := range []string{ShapeLeaky, ShapeFixed} {
		add("asyncwrite/request-context", "BenchmarkAsyncwriteRequestContext/"+sh, Spec{Case: CaseReqContext, Shape: sh, N: z.Requests, Size: z.WorkMicros},
			"work-cancelled-%", "work-completed-%", "cancel-after-return-p50-µs", "cancel-after-return-p99-µs")
	}
	for _, sh := range []string{StackFresh, StackReused, StackReusedDeep} {
		add("claim/starting-stack", "BenchmarkClaimStartingStack/"+sh, Spec{Case: CaseStartStack, Shape: sh, N: z.StartStackN, Size: z.DeepStackBytes},
			"starting-stack-B", "stack-B/goroutine")
	}
	add("claim/starting-stack", "BenchmarkClaimStartingStack/reused-deep-adaptiveoff", Spec{Case: CaseStartStack, Shape: StackReusedDeep, N: z.StartStackN, Size: z.DeepStackBytes, Env: []string{"GODEBUG=adaptivestackstart=0"}},
		"starting-stack-B", "stack-B/goroutine")
	for _, n := range z.Senders {
		add("claim/chan-senders", fmt.Sprintf("BenchmarkClaimChanSenders/senders=%d", n), Spec{Case: CaseChanSenders, N: n, Size: z.SenderMessages},
			"ns/msg")
	}
	add("claim/stack-mapping", "BenchmarkClaimStackMapping", Spec{Case: CaseStackMap},
		"goroutine-stack-growsdown", "goroutine-stack-in-heap-mapping", "main-thread-stack-growsdown")
	return items
}

// Measure runs one item: in a fresh child process, or in process for the crossing timing.
func Measure(it Item) (Result, error) {
	if it.Spec.Case == CrossingCase {
		cgoNs, goNs, err := Crossing(it.Spec.N)
		r := Result{Spec: it.Spec}
		if err != nil {
			return r, err
		}
		if it.Spec.Shape == "cgo" {
			r.Add("ns/call", cgoNs)
			r.Add("x-go-call", cgoNs/goNs)
		} else {
			r.Add("ns/call", goNs)
		}
		return r, nil
	}
	runs := max(it.Runs, 1)
	if runs == 1 {
		r, _, err := Run(context.Background(), it.Spec)
		return r, err
	}
	// Several runs: each metric is the mean over the runs that produced it (a crashed server
	// cannot say what its late writes returned), and "runs" says how many there were.
	var (
		out   = Result{Spec: it.Spec}
		sums  = map[string]float64{}
		count = map[string]int{}
	)
	for i := range runs {
		r, _, err := Run(context.Background(), it.Spec)
		if err != nil {
			return out, fmt.Errorf("run %d of %d: %w", i+1, runs, err)
		}
		for _, m := range r.Metrics {
			if count[m.Unit] == 0 {
				out.Metrics = append(out.Metrics, Metric{Unit: m.Unit})
			}
			sums[m.Unit] += m.Value
			count[m.Unit]++
		}
		for _, n := range r.Notes {
			if !slices.Contains(out.Notes, n) {
				out.Notes = append(out.Notes, n)
			}
		}
		out.Elapsed += r.Elapsed
	}
	for i, m := range out.Metrics {
		out.Metrics[i].Value = sums[m.Unit] / float64(count[m.Unit])
	}
	out.Add("runs", float64(runs))
	return out, nil
}
