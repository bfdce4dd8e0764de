// Command goroguard-costs measures, on the machine it runs on, what each goroguard finding costs at
// run time: the same measurements as the benchmarks in internal/costs/bench, outside go test.
//
// Usage:
//
//	goroguard-costs [-quick] [-large] [-json | -markdown] [-run regexp] [-v]
//
// By default it takes well under a minute on a 2-core machine. -quick uses small sizes (a few
// seconds); -large adds 10^6 parked goroutines (about 2.6 GB of memory). Progress goes to standard
// error; the table, or JSON with -json, or the Markdown of docs/costs.md with -markdown, goes to
// standard output. The exit status is 1 if a measurement failed its own check.
//
// Each measurement runs in a fresh child process (this executable again), because a process keeps
// the goroutines, stacks and threads of earlier measurements and would reuse them.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/costs/bench"
)

func main() {
	bench.ServeChild()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Report is the -json output.
type Report struct {
	Command   string          `json:"command"`
	Machine   bench.Machine   `json:"machine"`
	Started   time.Time       `json:"started"`
	Duration  time.Duration   `json:"duration_ns"`
	Summaries []Summary       `json:"summaries"`
	Results   []MeasureResult `json:"results"`
}

// Summary is the cost of one finding kind, or the verdict on one claim, in one sentence.
type Summary struct {
	Key  string `json:"key"`
	Cost string `json:"cost"`
}

// MeasureResult is one measurement of the suite.
type MeasureResult struct {
	Key       string       `json:"key"`
	Benchmark string       `json:"benchmark"`
	Result    bench.Result `json:"result"`
	Headline  []string     `json:"headline"`
	Error     string       `json:"error,omitempty"`
	byUnit    map[string]float64
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("goroguard-costs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "small sizes: a few seconds")
	large := fs.Bool("large", false, "also measure 10^6 parked goroutines (about 2.6 GB of memory)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	asMarkdown := fs.Bool("markdown", false, "print the Markdown tables of docs/costs.md")
	filter := fs.String("run", "", "only measurements whose key or benchmark name matches this regexp")
	verbose := fs.Bool("v", false, "print each measurement's notes")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: goroguard-costs [-quick] [-large] [-json | -markdown] [-run regexp] [-v]\n\n")
		fmt.Fprintf(stderr, "Measures what each goroguard finding costs at run time on this machine.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	var re *regexp.Regexp
	if *filter != "" {
		var err error
		if re, err = regexp.Compile(*filter); err != nil {
			fmt.Fprintf(stderr, "goroguard-costs: -run: %v\n", err)
			return 2
		}
	}
	sizes := bench.Full
	switch {
	case *quick:
		sizes = bench.Quick
	case *large:
		sizes = bench.Large
	}

	rep := Report{
		Command: strings.Join(append([]string{"goroguard-costs"}, args...), " "),
		Machine: bench.ThisMachine(),
		Started: time.Now(),
	}
	var items []bench.Item
	for _, it := range bench.Items(sizes) {
		if re == nil || re.MatchString(it.Key) || re.MatchString(it.Bench) {
			items = append(items, it)
		}
	}
	fmt.Fprintf(stderr, "goroguard-costs: %d measurements on %s\n", len(items), rep.Machine)
	failed := 0
	for i, it := range items {
		fmt.Fprintf(stderr, "[%2d/%d] %-52s ", i+1, len(items), it.Bench)
		t0 := time.Now()
		r, err := bench.Measure(it)
		mr := MeasureResult{Key: it.Key, Benchmark: it.Bench, Result: r, Headline: it.Headline, byUnit: map[string]float64{}}
		for _, m := range r.Metrics {
			mr.byUnit[m.Unit] = m.Value
		}
		switch {
		case errors.Is(err, bench.ErrUnavailable):
			mr.Error = err.Error()
			fmt.Fprintf(stderr, "unavailable: %v\n", err)
		case err != nil:
			mr.Error = err.Error()
			failed++
			fmt.Fprintf(stderr, "FAILED: %v\n", err)
		default:
			fmt.Fprintf(stderr, "%6.2fs\n", time.Since(t0).Seconds())
		}
		if *verbose {
			for _, n := range r.Notes {
				fmt.Fprintf(stderr, "        %s\n", n)
			}
		}
		rep.Results = append(rep.Results, mr)
	}
	rep.Duration = time.Since(rep.Started)
	rep.Summaries = summarize(rep.Results)
	fmt.Fprintf(stderr, "goroguard-costs: done in %.1fs\n", rep.Duration.Seconds())

	switch {
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "goroguard-costs: %v\n", err)
			return 1
		}
	case *asMarkdown:
		printMarkdown(stdout, rep)
	default:
		printTable(stdout, rep)
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// fmtValue prints a metric value with as many digits as it deserves.
func fmtValue(v float64) string {
	switch a := abs(v); {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// headline formats the headline metrics of one result, "2048 stack-B/goroutine, ...".
func headline(mr MeasureResult) string {
	if mr.Error != "" {
		return "error: " + mr.Error
	}
	var parts []string
	for _, u := range mr.Headline {
		if v, ok := mr.byUnit[u]; ok {
			parts = append(parts, fmtValue(v)+" "+u)
		}
	}
	return strings.Join(parts, ", ")
}

func printTable(w io.Writer, rep Report) {
	fmt.Fprintf(w, "goroguard-costs: what each finding costs at run time\n")
	fmt.Fprintf(w, "machine: %s\ncommand: %s (%.1fs)\n\n", rep.Machine, rep.Command, rep.Duration.Seconds())
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "FINDING\tCOST (this run)\n")
	for _, s := range rep.Summaries {
		fmt.Fprintf(tw, "%s\t%s\n", s.Key, s.Cost)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "FINDING\tBENCHMARK\tMEASURED\n")
	for _, mr := range rep.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", mr.Key, mr.Benchmark, headline(mr))
	}
	tw.Flush()
}

func printMarkdown(w io.Writer, rep Report) {
	fmt.Fprintf(w, "Machine: %s. Command: `%s`, %.1f s.\n\n", rep.Machine, rep.Command, rep.Duration.Seconds())
	fmt.Fprintf(w, "| Finding | Cost (this run) |\n|---|---|\n")
	for _, s := range rep.Summaries {
		fmt.Fprintf(w, "| `%s` | %s |\n", s.Key, s.Cost)
	}
	fmt.Fprintf(w, "\n| Finding | Benchmark | Measured |\n|---|---|---|\n")
	for _, mr := range rep.Results {
		fmt.Fprintf(w, "| `%s` | `%s` | %s |\n", mr.Key, mr.Benchmark, headline(mr))
	}
}

// summarize turns the results into one sentence per finding kind and claim, in the order of
// costs.All() and then the claims.
func summarize(results []MeasureResult) []Summary {
	get := func(bench, unit string) (float64, bool) {
		mr, ok := get2(results, bench)
		v, ok2 := mr.byUnit[unit]
		return v, ok && ok2
	}
	// last returns the result of the last benchmark with the given prefix (the largest size).
	last := func(prefix string) (MeasureResult, bool) {
		var found MeasureResult
		ok := false
		for _, mr := range results {
			if strings.HasPrefix(mr.Benchmark, prefix) && mr.Error == "" {
				found, ok = mr, true
			}
		}
		return found, ok
	}
	kib := func(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }
	var out []Summary
	add := func(key, format string, args ...any) {
		out = append(out, Summary{Key: key, Cost: fmt.Sprintf(format, args...)})
	}
	for _, f := range costs.All() {
		switch f.Key {
		case costs.ParkedGoroutine.Key:
			p, ok := last("BenchmarkCtxdoneParked/")
			if !ok {
				continue
			}
			u := p.byUnit
			s := fmt.Sprintf("each parked goroutine keeps %s of stack and heap (stack %.0f B, heap %.0f B), %s of RSS, and adds %.0f ns to every GC (%s)",
				kib(u["stack+heap-B/goroutine"]), u["stack-B/goroutine"], u["heap-B/goroutine"], kib(u["rss-B/goroutine"]), u["gc-ns/goroutine"], p.Benchmark)
			if v, ok := get("BenchmarkCtxdoneRetained/leaky", "bytes-left/call"); ok {
				s += fmt.Sprintf("; one holding a 64 KiB result keeps %s", kib(v))
			}
			if v, ok := get("BenchmarkCtxdoneLeak/fixed", "goroutines-left/call"); ok {
				s += fmt.Sprintf("; the buffered fix leaves %.0f goroutines per call", v)
			}
			add(f.Key, "%s", s)
		case costs.SpawnPerItem.Key:
			un, ok1 := last("BenchmarkSpawnloopPerItem/unbounded")
			po, ok2 := last("BenchmarkSpawnloopPerItem/pool")
			if !ok1 || !ok2 {
				continue
			}
			add(f.Key, "%.0f tasks, one goroutine each: peak %.0f goroutines, +%.1f MiB RSS, %.0f ns/task, scheduling latency p99 %.0f µs; GOMAXPROCS workers: %.0f goroutines, +%.1f MiB, %.0f ns/task, p99 %.0f µs",
				float64(un.Result.Spec.N), un.byUnit["peak-goroutines"], un.byUnit["peak-rss-MiB"], un.byUnit["ns/task"], un.byUnit["sched-latency-p99-µs"],
				po.byUnit["peak-goroutines"], po.byUnit["peak-rss-MiB"], po.byUnit["ns/task"], po.byUnit["sched-latency-p99-µs"])
		case costs.CgoCrossing.Key:
			c, ok1 := get("BenchmarkHotcgoCrossing/cgo", "ns/call")
			g, ok2 := get("BenchmarkHotcgoCrossing/go", "ns/call")
			if ok1 && ok2 {
				add(f.Key, "a cgo call costs %.1f ns, %.0fx an empty Go call (%.1f ns)", c, c/g, g)
			}
		case costs.CgoThreads.Key:
			un, ok1 := get2(results, "BenchmarkHotcgoThreads/unbounded")
			bo, ok2 := get2(results, "BenchmarkHotcgoThreads/bounded")
			if !ok1 || !ok2 {
				continue
			}
			s := fmt.Sprintf("%d goroutines blocked %d ms in C at once: +%.0f OS threads, batch %.0f ms; bounded to GOMAXPROCS: +%.0f threads, batch %.0f ms",
				un.Result.Spec.N, un.Result.Spec.Size/1000, un.byUnit["threads-created"], un.byUnit["batch-ms"], bo.byUnit["threads-created"], bo.byUnit["batch-ms"])
			if sh, ok := get2(results, "BenchmarkHotcgoThreads/unbounded-short"); ok {
				s += fmt.Sprintf("; %d ms calls after idling: +%.0f threads, batch %.0f ms, scheduling latency p99 %.0f ms",
					sh.Result.Spec.Size/1000, sh.byUnit["threads-created"], sh.byUnit["batch-ms"], sh.byUnit["sched-latency-p99-µs"]/1000)
			}
			add(f.Key, "%s", s)
		case costs.LateWrite.Key:
			if s := lateWriteSummary(results); s != "" {
				add(f.Key, "%s", s)
			}
		case costs.DetachedContext.Key:
			lk, ok1 := get2(results, "BenchmarkAsyncwriteRequestContext/leaky")
			fx, ok2 := get2(results, "BenchmarkAsyncwriteRequestContext/fixed")
			if ok1 && ok2 {
				add(f.Key, "r.Context() is cancelled %.0f µs (p50) after the handler returns: %.0f%% of background work aborted; with context.WithoutCancel %.0f%% completes",
					lk.byUnit["cancel-after-return-p50-µs"], lk.byUnit["work-cancelled-%"], fx.byUnit["work-completed-%"])
			}
		}
	}
	if fr, ok := get2(results, "BenchmarkClaimStartingStack/fresh"); ok {
		s := fmt.Sprintf("a new goroutine gets %.0f B of stack", fr.byUnit["stack-B/goroutine"])
		if d, ok := get2(results, "BenchmarkClaimStartingStack/reused-deep"); ok {
			s += fmt.Sprintf("; a reused g after GCs saw %.0f B deep stacks gets %.0f B (adaptive starting size)", d.byUnit["deep-stack-used-B"], d.byUnit["stack-B/goroutine"])
		}
		add("claim/starting-stack", "%s", s)
	}
	if one, ok := get2(results, "BenchmarkClaimChanSenders/senders=1"); ok {
		if many, ok := last("BenchmarkClaimChanSenders/"); ok && many.Benchmark != one.Benchmark {
			add("claim/chan-senders", "unbuffered channel: %.0f ns/msg with 1 sender, %.0f ns/msg with %d senders (%.2fx the throughput)",
				one.byUnit["ns/msg"], many.byUnit["ns/msg"], many.Result.Spec.N, one.byUnit["ns/msg"]/many.byUnit["ns/msg"])
		}
	}
	if m, ok := get2(results, "BenchmarkClaimStackMapping"); ok {
		yes := func(v float64) string {
			if v == 1 {
				return "yes"
			}
			return "no"
		}
		add("claim/stack-mapping", "goroutine stack in a MAP_GROWSDOWN mapping: %s; in the same mapping as heap objects: %s; main thread stack MAP_GROWSDOWN: %s",
			yes(m.byUnit["goroutine-stack-growsdown"]), yes(m.byUnit["goroutine-stack-in-heap-mapping"]), yes(m.byUnit["main-thread-stack-growsdown"]))
	}
	if exe, err := os.Executable(); err == nil {
		if sz, err := bench.RuntimeTypeSizes(exe, "runtime.g", "runtime.sudog"); err == nil {
			add("claim/g-struct", "runtime.g is %d B (allocated in the %d B size class), runtime.sudog %d B (DWARF of this binary)",
				sz["runtime.g"], bench.SizeClass(sz["runtime.g"]), sz["runtime.sudog"])
		} else {
			add("claim/g-struct", "unavailable: %v", err)
		}
	}
	return out
}

// lateWriteSummary describes the late-write measurements load by load: for each shape, the runs
// that crashed the server at each load and where the late lines went.
func lateWriteSummary(results []MeasureResult) string {
	var parts []string
	for _, sh := range []struct{ prefix, what string }{
		{"BenchmarkAsyncwriteLateWrite/leaky-load=", "no Flush"},
		{"BenchmarkAsyncwriteLateWrite/leaky-flushed-load=", "after a Flush"},
		{"BenchmarkAsyncwriteLateWrite/leaky-flushed-2ms-load=", "after a Flush, 2 ms late"},
	} {
		var crashed, loads []string
		var delivered, lost, misdirected, errs []float64
		for _, mr := range results {
			load, ok := strings.CutPrefix(mr.Benchmark, sh.prefix)
			if !ok || mr.Error != "" {
				continue
			}
			u := mr.byUnit
			runs := max(u["runs"], 1)
			crashed = append(crashed, fmt.Sprintf("%.0f/%.0f", u["crashed-runs-%"]*runs/100, runs))
			loads = append(loads, load)
			delivered = append(delivered, u["late-delivered-%"])
			lost = append(lost, u["late-lost-%"])
			misdirected = append(misdirected, u["late-misdirected-%"])
			if v, ok := u["late-write-errors-%"]; ok {
				errs = append(errs, v)
			}
		}
		if len(loads) == 0 {
			continue
		}
		s := fmt.Sprintf("%s: crashed %s runs at %s concurrent requests; %s%% delivered, %s%% lost, %s%% misdirected",
			sh.what, strings.Join(crashed, ", "), strings.Join(loads, ", "), span(delivered), span(lost), span(misdirected))
		if len(errs) > 0 {
			s += fmt.Sprintf(", %s%% of the writes of surviving servers returned an error", span(errs))
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return ""
	}
	return "late writes of 100 B: " + strings.Join(parts, "; ")
}

// span formats the range of vs, "3.2" or "0.2–13".
func span(vs []float64) string {
	lo, hi := slices.Min(vs), slices.Max(vs)
	if fmtValue(lo) == fmtValue(hi) {
		return fmtValue(lo)
	}
	return fmtValue(lo) + "–" + fmtValue(hi)
}

// get2 returns the successful result of the named benchmark.
func get2(results []MeasureResult, name string) (MeasureResult, bool) {
	for _, mr := range results {
		if mr.Benchmark == name && mr.Error == "" {
			return mr, true
		}
	}
	return MeasureResult{}, false
}
