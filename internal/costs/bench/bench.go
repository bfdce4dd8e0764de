// Package bench measures what each goroguard finding costs at run time. The measurement functions
// live here so that the Go benchmarks (bench_test.go, `go test -run '^$' -bench . ./internal/costs/bench`)
// and the goroguard-costs command run the same code.
//
// Most measurements need a fresh process: a process keeps the g structs, stacks, OS threads and
// memory of earlier runs, so a second measurement in the same process would see them reused and
// undercount. Run therefore re-executes the current binary as a child with the Spec in its
// environment; every binary that calls Run must call ServeChild first thing in main (or TestMain).
//
// Each measurement checks its own result (goroutines really parked, threads really grew, requests
// really served) and returns an error rather than a figure when the check fails.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Spec names one measurement and its parameters.
type Spec struct {
	// Case is the measurement, one of the Case* constants.
	Case string `json:"case"`
	// Shape is the variant measured: "leaky" or "fixed", "unbounded", "pool", ...
	Shape string `json:"shape,omitempty"`
	// N is the size: goroutines, tasks, calls, requests or senders, depending on Case.
	N int `json:"n,omitempty"`
	// Size is a secondary size: buffer bytes, sleep microseconds, stack bytes, messages.
	Size int `json:"size,omitempty"`
	// Conns is the number of client connections sending requests at once (the load), for the
	// late-write case; 0 means 4.
	Conns int `json:"conns,omitempty"`
	// Env holds extra environment variables for the child process, such as GODEBUG settings.
	Env []string `json:"env,omitempty"`
}

// The measurement cases.
const (
	CaseParked      = "ctxdone-parked"             // N goroutines parked on a channel receive
	CaseLeak        = "ctxdone-leak"               // N calls of the leaky or fixed result-channel shape; Size buffer bytes
	CaseSpawn       = "spawnloop-per-item"         // N short tasks: unbounded, pool or setlimit
	CaseCgoThreads  = "hotcgo-threads"             // N goroutines blocked in C for Size µs: unbounded, bounded or gosleep
	CaseLateWrite   = "asyncwrite-late-write"      // N loopback requests from Conns connections writing Size µs after the handler returned; server in the child, client in the parent
	CaseReqContext  = "asyncwrite-request-context" // N loopback requests doing Size µs of work under a context
	CaseStartStack  = "claim-starting-stack"       // shape fresh, reused or reused-deep (Size stack bytes used before a GC)
	CaseChanSenders = "claim-chan-senders"         // N senders, Size messages in all, one receiver
	CaseStackMap    = "claim-stack-mapping"        // which mapping holds a goroutine stack, and its VmFlags
)

// Metric is one measured value; Unit names it, benchstat style ("stack-B/goroutine").
type Metric struct {
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
}

// Result is what one measurement produced.
type Result struct {
	Spec    Spec     `json:"spec"`
	Metrics []Metric `json:"metrics"`
	Notes   []string `json:"notes,omitempty"`
	// Elapsed is the wall time the measurement took, child start-up included.
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Add appends a metric.
func (r *Result) Add(unit string, v float64) { r.Metrics = append(r.Metrics, Metric{unit, v}) }

// Note appends a free-text observation.
func (r *Result) Note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// Get returns the value of the metric with the given unit, and whether it exists.
func (r Result) Get(unit string) (float64, bool) {
	for _, m := range r.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}

// ErrUnavailable reports a measurement this build cannot make (cgo disabled, no /proc, no DWARF).
var ErrUnavailable = errors.New("measurement unavailable in this build or on this system")

const (
	childEnv     = "GOROGUARD_COSTS_CHILD"
	resultPrefix = "GOROGUARD-COSTS-RESULT "
)

// ServeChild runs the measurement named in the environment and exits, if this process was started
// by Run; otherwise it returns at once. Call it first thing in main and in TestMain.
func ServeChild() {
	raw, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	var s Spec
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		fmt.Fprintf(os.Stderr, "goroguard-costs child: bad spec: %v\n", err)
		os.Exit(3)
	}
	r, err := RunHere(s)
	if err != nil {
		fmt.Fprintf(os.Stderr, "goroguard-costs child: %s: %v\n", s.Case, err)
		if errors.Is(err, ErrUnavailable) {
			os.Exit(4)
		}
		os.Exit(2)
	}
	out, _ := json.Marshal(r)
	fmt.Fprintf(os.Stdout, "%s%s\n", resultPrefix, out)
	os.Exit(0)
}

// RunHere runs the measurement in the current process. Most cases assume a fresh process: use Run.
func RunHere(s Spec) (Result, error) {
	start := time.Now()
	var (
		r   Result
		err error
	)
	switch s.Case {
	case CaseParked:
		r, err = parked(s)
	case CaseLeak:
		r, err = leak(s)
	case CaseSpawn:
		r, err = spawn(s)
	case CaseCgoThreads:
		r, err = cgoThreads(s)
	case CaseLateWrite:
		r, err = lateWriteServer(s)
	case CaseReqContext:
		r, err = requestContext(s)
	case CaseStartStack:
		r, err = startStack(s)
	case CaseChanSenders:
		r, err = chanSenders(s)
	case CaseStackMap:
		r, err = stackMapping(s)
	default:
		return Result{}, fmt.Errorf("unknown case %q", s.Case)
	}
	r.Spec = s
	r.Elapsed = time.Since(start)
	return r, err
}

// Run runs the measurement in a fresh child process (the current executable, which must call
// ServeChild) and returns its result. The child's standard error is returned in stderr, whatever
// the outcome: the race-detector experiment reads its reports there.
func Run(ctx context.Context, s Spec) (r Result, stderr string, err error) {
	if _, nested := os.LookupEnv(childEnv); nested {
		return Result{}, "", errors.New("bench.Run called inside a child process")
	}
	exe, err := os.Executable()
	if err != nil {
		return Result{}, "", err
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return Result{}, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	// The -test.* arguments keep a test binary that forgot ServeChild from running its tests again.
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+string(raw)), s.Env...)
	if s.Case == CaseLateWrite {
		// The server runs in the child and may crash; the client runs here and sees it.
		return runLateWrite(ctx, cmd, s, start)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	runErr := cmd.Run()
	stderr = errb.String()
	for line := range strings.Lines(out.String()) {
		if rest, ok := strings.CutPrefix(line, resultPrefix); ok {
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				return Result{}, stderr, fmt.Errorf("%s: decoding child result: %v", s.Case, err)
			}
			r.Elapsed = time.Since(start)
			return r, stderr, nil
		}
	}
	if ee, ok := runErr.(*exec.ExitError); ok && ee.ExitCode() == 4 {
		return Result{}, stderr, fmt.Errorf("%s: %w: %s", s.Case, ErrUnavailable, lastLine(stderr))
	}
	if runErr == nil {
		runErr = errors.New("child printed no result (does the binary call bench.ServeChild?)")
	}
	return Result{}, stderr, fmt.Errorf("%s %s: child: %v: %s", s.Case, s.Shape, runErr, lastLine(stderr))
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Machine describes where a measurement ran.
type Machine struct {
	CPU        string `json:"cpu"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	Kernel     string `json:"kernel,omitempty"`
	MemTotal   string `json:"mem_total,omitempty"`
	Cgo        bool   `json:"cgo"`
	// LoadAvg is /proc/loadavg's 1-minute load average when the description was taken: timings on a
	// loaded machine are noisy, ratios measured in one run less so.
	LoadAvg string `json:"load_avg,omitempty"`
}

// ThisMachine describes the current machine and runtime.
func ThisMachine() Machine {
	m := Machine{
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		Cgo:        cgoAvailable(),
		CPU:        "unknown",
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			m.LoadAvg = f[0]
		}
	}
	if v, ok := procStatus("MemTotal", "/proc/meminfo"); ok {
		m.MemTotal = fmt.Sprintf("%.1f GiB", float64(v)/(1<<30))
	}
	return m
}

func (m Machine) String() string {
	s := fmt.Sprintf("%s, %d CPUs, GOMAXPROCS=%d, %s %s/%s, cgo=%v", m.CPU, m.NumCPU, m.GOMAXPROCS, m.GoVersion, m.GOOS, m.GOARCH, m.Cgo)
	if m.LoadAvg != "" {
		s += ", load average " + m.LoadAvg
	}
	return s
}

// --- process and runtime readings ---

// procStatus reads a "Key: value [kB]" line of a /proc status-like file; kB values come back in bytes.
func procStatus(key, file string) (int64, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		if len(f) > 1 && f[1] == "kB" {
			n *= 1024
		}
		return n, true
	}
	return 0, false
}

// rss is the resident set size of this process, from /proc/self/statm.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n * int64(os.Getpagesize())
}

// peakRSS is the high-water mark of the resident set (VmHWM).
func peakRSS() int64 { v, _ := procStatus("VmHWM", "/proc/self/status"); return v }

// osThreads is the number of OS threads of this process (Threads: in /proc/self/status).
func osThreads() int64 { v, _ := procStatus("Threads", "/proc/self/status"); return v }

var metricNames = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/sched/goroutines/waiting:goroutines",
	"/gc/stack/starting-size:bytes",
	"/sched/threads/total:threads",
}

// snapshot is a set of readings taken at one moment.
type snapshot struct {
	heap, stacks, mapped int64 // live heap objects, stack spans, runtime-mapped minus released
	rss                  int64
	goroutines, waiting  int64
	startStack, mThreads int64
	osThreads            int64
}

func readSnapshot(gc bool) *snapshot {
	if gc {
		runtime.GC()
	}
	samples := make([]metrics.Sample, len(metricNames))
	for i, n := range metricNames {
		samples[i].Name = n
	}
	metrics.Read(samples)
	u := func(i int) int64 {
		if samples[i].Value.Kind() == metrics.KindUint64 {
			return int64(samples[i].Value.Uint64())
		}
		return 0
	}
	s := &snapshot{}
	s.heap, s.stacks = u(0), u(1)
	s.mapped = u(2) - u(3)
	s.waiting, s.startStack, s.mThreads = u(4), u(5), u(6)
	s.goroutines = int64(runtime.NumGoroutine())
	s.rss = rss()
	s.osThreads = osThreads()
	return s
}

// waitUntil polls cond every millisecond until it holds or the timeout passes.
func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

func waitingGoroutines() int64 {
	s := []metrics.Sample{{Name: "/sched/goroutines/waiting:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return -1
	}
	return int64(s[0].Value.Uint64())
}

// --- scheduling latency ---

// schedHist is a reading of the runtime's /sched/latencies:seconds histogram: how long goroutines
// spent runnable before they got to run (sampled by the runtime).
type schedHist struct {
	counts  []uint64
	buckets []float64
}

func readSchedHist() schedHist {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return schedHist{}
	}
	h := s[0].Value.Float64Histogram()
	return schedHist{counts: slices.Clone(h.Counts), buckets: slices.Clone(h.Buckets)}
}

type latency struct {
	n             uint64
	p50, p99, max time.Duration
}

// since returns the quantiles of the latencies recorded between old and h. A quantile is reported
// as the upper bound of the histogram bucket it falls in.
func (h schedHist) since(old schedHist) latency {
	if len(h.counts) == 0 || len(old.counts) != len(h.counts) {
		return latency{}
	}
	delta := make([]uint64, len(h.counts))
	var total uint64
	for i := range h.counts {
		delta[i] = h.counts[i] - old.counts[i]
		total += delta[i]
	}
	if total == 0 {
		return latency{}
	}
	upper := func(i int) time.Duration {
		b := h.buckets[i+1]
		if math.IsInf(b, 1) {
			b = h.buckets[i]
		}
		return time.Duration(b * float64(time.Second))
	}
	q := func(f float64) time.Duration {
		want := uint64(math.Ceil(f * float64(total)))
		var cum uint64
		for i, c := range delta {
			cum += c
			if cum >= want {
				return upper(i)
			}
		}
		return upper(len(delta) - 1)
	}
	l := latency{n: total, p50: q(0.5), p99: q(0.99)}
	for i := len(delta) - 1; i >= 0; i-- {
		if delta[i] > 0 {
			l.max = upper(i)
			break
		}
	}
	return l
}

func (r *Result) addLatency(prefix string, l latency) {
	r.Add(prefix+"p50-µs", us(l.p50))
	r.Add(prefix+"p99-µs", us(l.p99))
	r.Add(prefix+"max-µs", us(l.max))
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func per(delta int64, n int) float64 { return float64(delta) / float64(n) }

const mib = 1 << 20
