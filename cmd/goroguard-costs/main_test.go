package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/costs/bench"
)

func TestMain(m *testing.M) {
	bench.ServeChild() // the measurements re-execute this test binary
	os.Exit(m.Run())
}

// TestQuick runs the whole suite at the -quick sizes and checks that every finding kind got a
// measured cost.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the measurements")
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"-quick", "-json"}, &stdout, &stderr)
	t.Logf("stderr:\n%s", stderr.String())
	if code != 0 {
		t.Fatalf("exit status %d", code)
	}
	var rep Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decoding -json output: %v\n%s", err, stdout.String())
	}
	if rep.Machine.GoVersion == "" || rep.Machine.GOMAXPROCS == 0 {
		t.Errorf("machine not described: %+v", rep.Machine)
	}
	if !strings.Contains(stderr.String(), "[ 1/") {
		t.Errorf("no progress on stderr")
	}
	summarized := map[string]bool{}
	for _, s := range rep.Summaries {
		summarized[s.Key] = true
		t.Logf("%s: %s", s.Key, s.Cost)
	}
	for _, f := range costs.All() {
		if !summarized[f.Key] {
			if strings.HasPrefix(f.Key, "hotcgo/") && !bench.CgoAvailable() {
				continue
			}
			t.Errorf("finding kind %s: no cost measured", f.Key)
		}
	}
	for _, mr := range rep.Results {
		if mr.Error == "" && len(mr.Result.Metrics) == 0 {
			t.Errorf("%s: no metrics", mr.Benchmark)
		}
	}
}

// TestTableAndMarkdown checks the two text outputs on a single cheap measurement.
func TestTableAndMarkdown(t *testing.T) {
	for _, args := range [][]string{{"-quick", "-run", "StackMapping"}, {"-quick", "-markdown", "-run", "StackMapping"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit status %d\n%s", args, code, stderr.String())
		}
		out := stdout.String()
		for _, want := range []string{"GOMAXPROCS=", "BenchmarkClaimStackMapping", "goroutine-stack-growsdown"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, out)
			}
		}
	}
}

func TestBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-run", "("}, &stdout, &stderr); code != 2 {
		t.Errorf("bad -run regexp: exit status %d, want 2", code)
	}
	if code := run([]string{"extra"}, &stdout, &stderr); code != 2 {
		t.Errorf("extra argument: exit status %d, want 2", code)
	}
}
