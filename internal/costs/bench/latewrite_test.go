package bench_test

import (
	"context"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/costs/bench"
)

// TestLateWriteLoads runs the late-write measurement at a low and a high load. The server runs in a
// child process with no recover in the late goroutine, so a crash is a result: the test checks that
// every late line is accounted for (delivered, lost or misdirected), that the fix delivers every
// line without a crash, and that a crash, when one happens, is reported with the panic.
func TestLateWriteLoads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		shape string
		conns int
		late  int // µs
	}{
		{"fixed at 4 connections", bench.ShapeFixed, 4, 100},
		{"fixed at 50 connections", bench.ShapeFixed, 50, 100},
		{"no flush at 50 connections", bench.ShapeLeaky, 50, 100},
		{"flushed at 200 connections, 2 ms late", bench.ShapeLeakyFlushed, 200, 2000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := bench.Spec{Case: bench.CaseLateWrite, Shape: c.shape, N: 200, Size: c.late, Conns: c.conns}
			r, stderr, err := bench.Run(context.Background(), s)
			if err != nil {
				t.Fatalf("%v\nchild stderr:\n%s", err, stderr)
			}
			get := func(u string) float64 {
				v, ok := r.Get(u)
				if !ok {
					t.Fatalf("no metric %s in %v", u, r.Metrics)
				}
				return v
			}
			t.Logf("%v; %s", r.Metrics, strings.Join(r.Notes, "; "))
			if sum := get("late-delivered-%") + get("late-lost-%") + get("late-misdirected-%"); sum < 99.99 || sum > 100.01 {
				t.Errorf("delivered + lost + misdirected = %.2f%%, want 100%%", sum)
			}
			crashed := get("crashed-runs-%") == 100
			switch {
			case c.shape == bench.ShapeFixed && (crashed || get("late-delivered-%") != 100):
				t.Errorf("fixed shape: crashed %v, %.1f%% delivered", crashed, get("late-delivered-%"))
			case c.shape == bench.ShapeLeaky && get("late-delivered-%") > 5:
				t.Errorf("leaky shape: %.1f%% of late lines delivered", get("late-delivered-%"))
			case crashed && !strings.Contains(strings.Join(r.Notes, "\n"), "the server crashed: "):
				t.Errorf("crashed run without the panic in its notes: %q", r.Notes)
			case !crashed:
				get("late-write-errors-%") // a server that survived says what its late writes returned
			}
		})
	}
}

// TestLateWriteServerNeedsChild: the late-write server may crash by design, so it refuses to run in
// the calling process.
func TestLateWriteServerNeedsChild(t *testing.T) {
	t.Parallel()
	_, err := bench.RunHere(bench.Spec{Case: bench.CaseLateWrite, Shape: bench.ShapeLeakyFlushed, N: 10, Size: 100})
	if err == nil || !strings.Contains(err.Error(), "child process") {
		t.Errorf("RunHere(late write) = %v, want an error naming the child process", err)
	}
}
