package ctxdone_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

// ignoreErrors is an analysistest.Testing that keeps the diagnostics' mismatches to itself: the
// generated function below has no // want comments, and this test is about time and errors only.
type ignoreErrors struct{}

func (ignoreErrors) Errorf(string, ...any) {}

// TestHugeFunction: a generated function with thousands of channels, each with a goroutine and a
// select that can leave without receiving, must be analysed in bounded time and without error.
// Each local channel costs a walk of its function, so without the per-function work bound
// (maxFuncWork) the analysis grows with the square of the channels. The test compares the
// analyzer's time on 3000 channels with its time on 300 in the same process, so a loaded machine
// slows both: with the bound the ratio is about 3, and with the bound lifted (checked once) it
// was 136 (2 min 11 s against 0.97 s). A wall-clock limit alone failed under load: 29 s in the
// full suite for a run that takes 4 s alone.
func TestHugeFunction(t *testing.T) {
	t.Parallel()
	small, _ := analyseGenerated(t, 300)
	huge, findings := analyseGenerated(t, 3000)
	if findings == 0 {
		t.Errorf("no findings in the huge function: the first channels, within the work bound, leak and must be reported")
	}
	if ratio := float64(huge) / float64(small); ratio > 35 {
		t.Errorf("analysing 3000 channels took %v, %.0f times the %v for 300; the per-function work bound should keep the growth about linear", huge, ratio, small)
	}
	t.Logf("300 channels: %v; 3000 channels: %v", small, huge)
}

// analyseGenerated runs ctxdone on a generated function with n channels and returns how long the
// analyzer's own Run took (loading and type-checking left out) and how many findings it made.
func analyseGenerated(t *testing.T, n int) (time.Duration, int) {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("package huge\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\nfunc Huge(ctx context.Context) int {\n\ts := 0\n")
	for i := range n {
		fmt.Fprintf(&b, "\tch%d := make(chan int)\n\tgo func() { ch%d <- %d }()\n", i, i, i)
		fmt.Fprintf(&b, "\tselect {\n\tcase v := <-ch%d:\n\t\ts += v\n\tcase <-time.After(time.Millisecond):\n\t\treturn s\n\t}\n", i)
	}
	b.WriteString("\treturn s\n}\n")
	pkg := filepath.Join(dir, "src", "huge")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pkg, "huge.go"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	a := *ctxdone.New(ctxdone.Default())
	var elapsed time.Duration
	run := a.Run
	a.Run = func(pass *analysis.Pass) (any, error) {
		start := time.Now()
		defer func() { elapsed += time.Since(start) }()
		return run(pass)
	}
	results := analysistest.Run(ignoreErrors{}, dir, &a, "huge")
	findings := 0
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("analysis of %d channels failed: %v", n, r.Err)
		}
		findings += len(r.Diagnostics)
	}
	return elapsed, findings
}
