package ctxdone_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

// ignoreErrors is an analysistest.Testing that keeps the diagnostics' mismatches to itself: the
// generated function below has no // want comments, and this test is about time and errors only.
type ignoreErrors struct{}

func (ignoreErrors) Errorf(string, ...any) {}

// TestHugeFunction: a generated function with thousands of channels, each with a goroutine and a
// select that can leave without receiving, must be analysed in bounded time and without error.
// Each local channel costs a walk of its function, so before the per-function work bound this
// took about 40 s on a 2-core machine.
func TestHugeFunction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("package huge\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\nfunc Huge(ctx context.Context) int {\n\ts := 0\n")
	for i := range 3000 {
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
	start := time.Now()
	results := analysistest.Run(ignoreErrors{}, dir, ctxdone.New(ctxdone.Default()), "huge")
	elapsed := time.Since(start)
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("analysis failed: %v", r.Err)
		}
	}
	if len(results) == 0 || len(results[0].Diagnostics) == 0 {
		t.Errorf("no findings in the huge function: the first channels, within the work bound, leak and must be reported")
	}
	if elapsed > 20*time.Second {
		t.Errorf("analysing a 3000-channel function took %v; the per-function work bound should keep it to a few seconds", elapsed)
	}
}
