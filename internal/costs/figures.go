// Package costs holds the measured run-time cost of each finding kind, as the analyzers quote it in
// their messages. Every figure here comes from a run of the suite's own benchmarks
// (internal/costs/bench and cmd/goroguard-costs); the machine, Go version and command of that run are
// recorded in Machine and in docs/costs.md. Nothing in this package is folklore.
//
// The package is imported by the analyzers, so it stays pure Go with no dependencies; the
// measurement code lives in internal/costs/bench.
package costs

// Figure is the measured cost of one finding kind.
type Figure struct {
	// Key names the finding kind, "<analyzer>/<case>".
	Key string
	// Benchmarks are the benchmark names whose results produced this figure.
	Benchmarks []string
	// Summary is the short phrase an analyzer appends to its message, lowercase, no final period.
	Summary string
	// URL points at the section of the documentation that shows the table and the command.
	URL string
}

// The figures, measured by `goroguard-costs -markdown` on the machine in Machine; docs/costs.md
// has the full table of that run and the benchmarks behind each figure.
var (
	// ParkedGoroutine backs ctxdone: what one goroutine parked forever keeps alive.
	ParkedGoroutine = Figure{
		Key:        "ctxdone/parked",
		Benchmarks: []string{"BenchmarkCtxdoneParked", "BenchmarkCtxdoneLeak/leaky", "BenchmarkCtxdoneLeak/fixed", "BenchmarkCtxdoneRetained/leaky", "BenchmarkCtxdoneRetained/fixed"},
		Summary:    "each parked goroutine keeps 2.6 KiB (2 KiB stack, 602 B heap) and all it references, until exit (Go 1.26–1.27, amd64)",
		URL:        docURL + "#ctxdone-parked",
	}
	// SpawnPerItem backs spawnloop: the cost of one goroutine per item versus a bounded pool.
	SpawnPerItem = Figure{
		Key:        "spawnloop/per-item",
		Benchmarks: []string{"BenchmarkSpawnloopPerItem/unbounded", "BenchmarkSpawnloopPerItem/pool", "BenchmarkSpawnloopPerItem/setlimit"},
		Summary:    "10^5 short tasks, a goroutine each: 19k goroutines at peak, +50 MiB RSS, 1.1x the time of GOMAXPROCS workers (Go 1.27)",
		URL:        docURL + "#spawnloop-per-item",
	}
	// CgoCrossing backs hotcgo's loop case: the cost of one Go-to-C call versus a Go call.
	CgoCrossing = Figure{
		Key:        "hotcgo/crossing",
		Benchmarks: []string{"BenchmarkHotcgoCrossing/cgo", "BenchmarkHotcgoCrossing/go"},
		Summary:    "each cgo call costs 26 ns, 10x an empty Go call (Go 1.26, amd64)",
		URL:        docURL + "#hotcgo-crossing",
	}
	// CgoThreads backs hotcgo's per-item case: OS threads created when goroutines block in C at once.
	CgoThreads = Figure{
		Key:        "hotcgo/threads",
		Benchmarks: []string{"BenchmarkHotcgoThreads/unbounded", "BenchmarkHotcgoThreads/bounded", "BenchmarkHotcgoThreads/gosleep", "BenchmarkHotcgoThreads/unbounded-short"},
		Summary:    "200 goroutines blocked in C for 20 ms at once added 168 OS threads; bounded to GOMAXPROCS, 1",
		URL:        docURL + "#hotcgo-threads",
	}
	// LateWrite backs asyncwrite: what a write after the handler returned does on a real server,
	// at 1 to 200 concurrent requests. The crash (streaming handlers, under load) comes first.
	LateWrite = Figure{
		Key: "asyncwrite/late-write",
		Benchmarks: []string{
			"BenchmarkAsyncwriteLateWrite/leaky-flushed-load=200", "BenchmarkAsyncwriteLateWrite/leaky-flushed-load=50",
			"BenchmarkAsyncwriteLateWrite/leaky-load=200", "BenchmarkAsyncwriteLateWrite/fixed-load=200",
		},
		Summary: "after a Flush, late writes crashed the server in 131 of 200 runs at 200 concurrent requests; without, 100% were lost",
		URL:     docURL + "#asyncwrite-late-write",
	}
	// DetachedContext backs asyncwrite's request-context case.
	DetachedContext = Figure{
		Key:        "asyncwrite/request-context",
		Benchmarks: []string{"BenchmarkAsyncwriteRequestContext/leaky", "BenchmarkAsyncwriteRequestContext/fixed"},
		Summary:    "r.Context() was cancelled 8 µs (p50) after the handler returned; 100% of the background work aborted",
		URL:        docURL + "#asyncwrite-request-context",
	}
)

// Machine is where and how the figures were measured: the documented go1.26.8 run, and the session
// that ran go1.26.8 and go1.27.3 side by side (the late-write figure and the figures marked Go 1.27
// come from it).
const Machine = "AMD EPYC, 2 CPUs, GOMAXPROCS=2, linux/amd64, cgo; go1.26.8 at load average 0.43 (`goroguard-costs -markdown`); " +
	"late writes and Go 1.27: go1.26.8 and go1.27.3 interleaved, 5 runs each, load average 2.6–5.5 (`goroguard-costs -json`)"

const docURL = "https://github.com/goroguard/goroguard/blob/main/docs/costs.md"

// All lists every figure, in the order of the documented table.
func All() []Figure {
	return []Figure{ParkedGoroutine, SpawnPerItem, CgoCrossing, CgoThreads, LateWrite, DetachedContext}
}
