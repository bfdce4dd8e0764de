package leakjoin_test

// End-to-end tests of `goroguard test`: the goroguard binary is built from this checkout and run
// on testdata/leaks (in place), on a copy of the demo's pipeline package with tests that exercise
// it, and on the GoKer kernels of the Go distribution copied into a temporary module.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/goroguard/goroguard/internal/leakjoin"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// goroguard builds the goroguard binary once per test process.
func goroguard(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goroguard-leakjoin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "goroguard")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/goroguard/goroguard/cmd/goroguard").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("building goroguard: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

type run struct {
	code   int
	stdout string
	stderr string
	res    leakjoin.Result
}

// goroguardTest runs `goroguard test args...` in dir; with -json it decodes the result.
func goroguardTest(t *testing.T, dir string, env []string, args ...string) run {
	t.Helper()
	cmd := exec.Command(goroguard(t), append([]string{"test"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := run{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(args, "-json") {
		if err := json.Unmarshal(stdout.Bytes(), &r.res); err != nil {
			t.Fatalf("goroguard test %s: decoding -json output: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, r.stdout, r.stderr)
		}
	}
	return r
}

// rowAt returns the verdict of the row whose site is file:line ("" when there is none).
func rowAt(tab leakjoin.Table, file string, line int) (string, leakjoin.Row) {
	suffix := "/" + file + ":" + fmt.Sprint(line)
	for verdict, rows := range map[string][]leakjoin.Row{"confirmed": tab.Confirmed, "static only": tab.StaticOnly, "run time only": tab.RuntimeOnly} {
		for _, r := range rows {
			if strings.HasSuffix(r.Site, suffix) {
				return verdict, r
			}
		}
	}
	return "", leakjoin.Row{}
}

// lineOf returns the 1-based line of the first line of path containing marker.
func lineOf(t *testing.T, path, marker string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("%s: no line contains %q", path, marker)
	return 0
}

// TestLeaksModule runs goroguard test on testdata/leaks: leaks through go statements,
// errgroup.Go and WaitGroup.Go, a leak whose go statement is in another package than the test, a
// package with its own TestMain, a goroutine still running (not a leak), a fixed function (no
// leak) and a leaky function no test calls.
func TestLeaksModule(t *testing.T) {
	t.Parallel()
	dir, err := filepath.Abs("../../testdata/leaks")
	if err != nil {
		t.Fatal(err)
	}
	r := goroguardTest(t, dir, nil, "-json", "./app", "./apptest", "./withmain")
	if r.code != 0 || r.res.TestsFailed {
		t.Fatalf("exit %d, tests failed %v\n%s", r.code, r.res.TestsFailed, r.stderr)
	}
	if len(r.res.Warnings) > 0 {
		t.Errorf("warnings: %q", r.res.Warnings)
	}
	app := filepath.Join(dir, "app", "app.go")
	// Which of these the analyzers report may change as they learn; the run-time side must not.
	leaked := []struct {
		name, file, marker, via string
	}{
		{"premature return, go statement", "app/app.go", "go func() {", ""},                                      // Fetch
		{"premature return, errgroup.Go", "app/app.go", "done <- q()", "golang.org/x/sync/errgroup.(*Group).Go"}, // Query: one line above
		{"errgroup.Go in a loop", "app/app.go", "results <- i * i", "golang.org/x/sync/errgroup.(*Group).Go"},
		{"WaitGroup.Go", "app/app.go", "<-events", "sync.(*WaitGroup).Go"},
		{"field channel never closed", "app/app.go", "go q.work()", ""},
		{"own TestMain", "withmain/withmain.go", "go func() {", ""},
	}
	for _, l := range leaked {
		line := lineOf(t, filepath.Join(dir, l.file), l.marker)
		if l.via != "" {
			line-- // the function literal starts on the line of the g.Go / wg.Go call
		}
		verdict, row := rowAt(r.res.Table, l.file, line)
		if verdict != "confirmed" && verdict != "run time only" {
			t.Errorf("%s: no run-time leak at %s:%d (got %q)", l.name, l.file, line, verdict)
			continue
		}
		if row.Via != l.via {
			t.Errorf("%s: via %q, want %q", l.name, row.Via, l.via)
		}
		// confirmed exactly when ctxdone reports that go statement
		hasFinding := len(row.Findings) > 0
		if hasFinding != (verdict == "confirmed") {
			t.Errorf("%s: verdict %s with %d findings", l.name, verdict, len(row.Findings))
		}
	}
	// The premature-return leaks are the ones ctxdone is built for.
	if v, _ := rowAt(r.res.Table, "app/app.go", lineOf(t, app, "go func() {")); v != "confirmed" {
		t.Errorf("Fetch: %q, want confirmed", v)
	}
	if v, _ := rowAt(r.res.Table, "app/app.go", lineOf(t, app, "done <- q()")-1); v != "confirmed" {
		t.Errorf("Query (errgroup.Go): %q, want confirmed", v)
	}
	// Not leaks: the fixed function and the goroutine still running.
	for _, marker := range []string{"func FetchBuffered(", "func Spin("} {
		start := lineOf(t, app, marker)
		for line := start; line <= start+8; line++ {
			if v, _ := rowAt(r.res.Table, "app/app.go", line); v == "confirmed" || v == "run time only" {
				t.Errorf("%s: reported as a leak at line %d", marker, line)
			}
		}
	}
	// The leaky function no test calls.
	untested := lineOf(t, app, "func Untested(") + 2
	if v, _ := rowAt(r.res.Table, "app/app.go", untested); v != "static only" {
		t.Errorf("Untested: %q at line %d, want static only\n%+v", v, untested, r.res.Table)
	}
}

// TestLeakcheckUnderGoroguardTest: a package that calls leakcheck itself fails its tests, and
// leakcheck's report names the goroguard finding at the go statement.
func TestLeakcheckUnderGoroguardTest(t *testing.T) {
	t.Parallel()
	dir, err := filepath.Abs("../../testdata/leaks")
	if err != nil {
		t.Fatal(err)
	}
	r := goroguardTest(t, dir, nil, "-json", "./verified")
	if !r.res.TestsFailed || r.code != 1 {
		t.Errorf("exit %d, tests failed %v: want the leak to fail the tests", r.code, r.res.TestsFailed)
	}
	for _, want := range []string{"leakcheck: 1 goroutine(s) leaked", "started by the go statement at", "verified.go:8", "goroguard ctxdone at"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stderr)
		}
	}
	if v, _ := rowAt(r.res.Table, "verified/verified.go", 8); v != "confirmed" {
		t.Errorf("verified.go:8: %q, want confirmed", v)
	}
}

// demoTests exercise the demo's pipeline package (testdata/demo/pipeline) in a copy.
const demoTests = `package pipeline

import (
	"context"
	"testing"
	"time"
)

type slowSource struct{ d time.Duration }

func (s slowSource) Next(ctx context.Context) (Record, error) {
	time.Sleep(s.d)
	return Record{ID: 1}, nil
}

func TestFetchTimeout(t *testing.T) {
	_, err := FetchWithTimeout(context.Background(), slowSource{20 * time.Millisecond}, time.Millisecond)
	if err != ErrTimeout {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	time.Sleep(40 * time.Millisecond) // the goroutine reaches its send
}

func TestReporterNeverClosed(t *testing.T) {
	r := &Reporter{count: make(chan int), quit: make(chan struct{})}
	r.Start()
	r.count <- 3
}

func TestBatch(t *testing.T) {
	n := 0
	Batch([]Record{{ID: 1}, {ID: 2}, {ID: 3}}, 2, func(b []Record) { n += len(b) })
}

func TestBatchClosed(t *testing.T) {
	n := 0
	BatchClosed([]Record{{ID: 1}, {ID: 2}, {ID: 3}}, 2, func(b []Record) { n += len(b) })
	if n != 3 {
		t.Fatalf("flushed %d records, want 3", n)
	}
}
`

// goSum returns the lines of this module's go.sum for the modules named.
func goSum(t *testing.T, modules ...string) string {
	t.Helper()
	b, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		for _, m := range modules {
			if strings.HasPrefix(l, m+" ") {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDemo runs goroguard test (text output) on the demo's pipeline package with tests that
// exercise its leaks: the three ctxdone reports the tests reach are confirmed, the one no test
// can reach without spinning forever (Run's sink) stays static only.
func TestDemo(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../testdata/demo/pipeline/pipeline.go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sync := "golang.org/x/sync"
	var version string
	if m := regexp.MustCompile(`golang.org/x/sync (v\S+)`).FindSubmatch(must(os.ReadFile("../../go.mod"))); m != nil {
		version = string(m[1])
	}
	writeFiles(t, dir, map[string]string{
		"go.mod":                    "module demo\n\ngo 1.26\n\nrequire " + sync + " " + version + "\n",
		"go.sum":                    goSum(t, sync),
		"pipeline/pipeline.go":      string(src),
		"pipeline/pipeline_test.go": demoTests,
	})
	r := goroguardTest(t, dir, []string{"GOFLAGS=-mod=mod", "GOPROXY=off"}, "./...")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (rows in the table)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	p := filepath.Join(dir, "pipeline", "pipeline.go")
	want := []string{
		fmt.Sprintf(`(?m)^confirmed +pipeline/pipeline.go:%d +ctxdone: goroutine sends on done.* 1 x chan send at pipeline/pipeline.go:%d$`, lineOf(t, p, "go func() {"), lineOf(t, p, "done <- result{rec, err}")),
		fmt.Sprintf(`(?m)^confirmed +pipeline/pipeline.go:%d +ctxdone: .* 1 x select at pipeline/pipeline.go:%d$`, lineOf(t, p, "func (r *Reporter) Start()")+1, lineOf(t, p, "func (r *Reporter) Start()")+4),
		fmt.Sprintf(`(?m)^confirmed +pipeline/pipeline.go:%d +ctxdone: .*batches.* 1 x chan receive at pipeline/pipeline.go:%d$`, lineOf(t, p, "batches := make(chan Record)")+1, lineOf(t, p, "for r := range batches {")),
		fmt.Sprintf(`(?m)^static only +pipeline/pipeline.go:%d +ctxdone: goroutine sink.consume`, lineOf(t, p, "go sink.consume(ctx, clean)")),
		`(?m)^3 confirmed, 1 static only, 0 run time only$`,
	}
	for _, w := range want {
		if !regexp.MustCompile(w).MatchString(r.stdout) {
			t.Errorf("output does not match %s:\n%s", w, r.stdout)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// orphanedChannel are the GoKer kernels whose leak is a channel operation nobody completes
// (issue 11's list of 23).
var orphanedChannel = strings.Fields(`cockroach10790 cockroach13197 cockroach13755 cockroach1462
	cockroach18101 cockroach24808 cockroach25456 cockroach35073 cockroach35931 etcd6857 grpc1275
	grpc1424 grpc660 grpc862 istio17860 istio18454 kubernetes25331 kubernetes38669 kubernetes5316
	kubernetes70277 moby21233 moby33781 syncthing5795`)

// gokerHarness replaces the kernels' main.go: the registration functions they call, and a probe
// the tests use to stop repeating a kernel once its leak has shown (the runtime's own test repeats
// flaky kernels up to 10 times).
const gokerHarness = `package main

import (
	"runtime/pprof"
	"strings"
)

const yieldCount = 10

var cmds = map[string]func(){}

func register(name string, f func()) { cmds[name] = f }

func registerInit(name string, f func()) {}

// leakedIn reports whether a leaked goroutine has a frame in file.
func leakedIn(file string) bool {
	var b strings.Builder
	pprof.Lookup("goroutineleak").WriteTo(&b, 1)
	return strings.Contains(b.String(), "/"+file+":")
}

func main() {}
`

// TestGoKer copies the GoKer kernels of the Go distribution
// ($GOROOT/src/runtime/testdata/testgoroutineleakprofile/goker) into a temporary module, writes a
// test per kernel (run up to 10 times, with GOMAXPROCS=1 and GODEBUG=asyncpreemptoff=1 as the
// runtime's test does) and runs goroguard test on it: every orphaned-channel kernel's leak must
// show up, confirmed or run time only. The counts are logged (go test -v) for the README.
func TestGoKer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the 60-odd GoKer kernels (about a minute)")
	}
	t.Parallel()
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(strings.TrimSpace(string(goroot)), "src", "runtime", "testdata", "testgoroutineleakprofile", "goker")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Skipf("no GoKer kernels in this Go distribution: %v", err)
	}
	dir := t.TempDir()
	files := map[string]string{"go.mod": "module goker\n\ngo 1.26\n", "main.go": gokerHarness}
	registerRE := regexp.MustCompile(`register\("\w+",\s*(\w+)\)`)
	var tests strings.Builder
	tests.WriteString("package main\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n")
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || name == "main.go" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		// The kernels stay in package main, as in the runtime's test program: in a library
		// package their exported types could be used by importers, and ctxdone rightly stays
		// silent on channels other packages might reach.
		s := string(b)
		// Each kernel prints the whole debug=2 profile when it returns; keep the line, drop the
		// output (positions must not move).
		s = strings.ReplaceAll(s, "prof.WriteTo(os.Stdout, 2)", "_, _ = prof, os.Stdout")
		files[name] = s
		for _, m := range registerRE.FindAllStringSubmatch(s, -1) {
			fmt.Fprintf(&tests, "\nfunc Test%s(t *testing.T) {\n\tdefer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))\n\tfor i := 0; i < 10 && !leakedIn(%q); i++ {\n\t\t%s()\n\t}\n}\n", m[1], name, m[1])
		}
	}
	files["goker_test.go"] = tests.String()
	writeFiles(t, dir, files)
	// ctxdone's option for channels in fields and package-wide partners, which issue 11's recall
	// on these kernels is measured with; analyzer flags go to the analyzers, the rest to go test.
	r := goroguardTest(t, dir, []string{"GODEBUG=asyncpreemptoff=1"}, "-json", "-ctxdone.package-channels", "-vet=off", "-timeout=5m", ".")
	if r.res.TestsFailed {
		t.Fatalf("go test failed:\n%s", r.stderr)
	}
	kernel := func(site string) string {
		return strings.TrimSuffix(filepath.Base(strings.Split(site, ":")[0]), ".go")
	}
	seen := map[string]string{} // kernel → best verdict of its channel leaks
	allLeaky := map[string]bool{}
	for verdict, rows := range map[string][]leakjoin.Row{"confirmed": r.res.Table.Confirmed, "run time only": r.res.Table.RuntimeOnly} {
		for _, row := range rows {
			k := kernel(row.Site)
			allLeaky[k] = true
			if !strings.HasPrefix(row.Blocked, "chan ") && !strings.HasPrefix(row.Blocked, "select") {
				continue
			}
			if seen[k] != "confirmed" {
				seen[k] = verdict
			}
		}
	}
	confirmed, runtimeOnly := 0, 0
	for _, k := range orphanedChannel {
		switch seen[k] {
		case "confirmed":
			confirmed++
		case "run time only":
			runtimeOnly++
		default:
			t.Errorf("%s: its channel leak did not show up", k)
		}
	}
	allConfirmed := map[string]bool{}
	for _, row := range r.res.Table.Confirmed {
		allConfirmed[kernel(row.Site)] = true
	}
	// The static side alone: kernels with a ctxdone finding (confirmed or static only).
	static := map[string]bool{}
	for _, rows := range [][]leakjoin.Row{r.res.Table.Confirmed, r.res.Table.StaticOnly} {
		for _, row := range rows {
			for _, f := range row.Findings {
				if f.Analyzer == "ctxdone" {
					static[kernel(f.Posn)] = true
				}
			}
		}
	}
	staticN := 0
	for _, k := range orphanedChannel {
		if static[k] {
			staticN++
		}
	}
	t.Logf("GoKer, the 23 orphaned-channel kernels: %d confirmed, %d run time only, %d missing; ctxdone alone reports %d of them", confirmed, runtimeOnly, len(orphanedChannel)-confirmed-runtimeOnly, staticN)
	t.Logf("GoKer, all %d kernels: %d with a leak at run time, %d of them confirmed by a finding; %d leak rows (%d confirmed, %d run time only), %d static-only rows",
		strings.Count(files["goker_test.go"], "func Test"), len(allLeaky), len(allConfirmed),
		len(r.res.Table.Confirmed)+len(r.res.Table.RuntimeOnly), len(r.res.Table.Confirmed), len(r.res.Table.RuntimeOnly), len(r.res.Table.StaticOnly))
}

// TestNoLeak: tests that leak nothing pass, and a goroutine still running when the tests end
// (spinning, not blocked) is not a leak to the profile: exit 0, an empty table.
func TestNoLeak(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod": "module quiet\n\ngo 1.26\n",
		"quiet/quiet.go": `package quiet

import (
	"runtime"
	"sync/atomic"
)

// Sum adds the numbers in a goroutine and waits for it.
func Sum(xs []int) int {
	done := make(chan int, 1)
	go func() {
		s := 0
		for _, x := range xs {
			s += x
		}
		done <- s
	}()
	return <-done
}

// Spin keeps a goroutine busy until stop is set.
func Spin(stop *atomic.Bool) {
	go func() {
		for !stop.Load() {
			runtime.Gosched()
		}
	}()
}
`,
		"quiet/quiet_test.go": `package quiet

import (
	"sync/atomic"
	"testing"
)

func TestSum(t *testing.T) {
	if got := Sum([]int{1, 2, 3}); got != 6 {
		t.Fatalf("Sum = %d", got)
	}
}

var stop atomic.Bool // never set: the goroutine spins until the binary exits

func TestSpin(t *testing.T) { Spin(&stop) }
`,
	})
	r := goroguardTest(t, dir, nil, "./...")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "0 confirmed, 0 static only, 0 run time only") {
		t.Errorf("want an empty table:\n%s", r.stdout)
	}
}
