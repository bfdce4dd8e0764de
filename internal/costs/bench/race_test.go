//go:build race

package bench_test

import (
	"context"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/costs/bench"
)

// TestAsyncwriteLateWriteRace runs the late-write shapes in a child process built with the race
// detector (this test only exists under -race) and counts the data races the detector reports in
// the child's standard error. The parent does not race, so `go test -race` still passes; the test
// fails if the leaky shape stops showing races or the fixed shape starts to.
//
//	go test -race -run TestAsyncwriteLateWriteRace -v ./internal/costs/bench
func TestAsyncwriteLateWriteRace(t *testing.T) {
	for _, shape := range []string{bench.ShapeLeaky, bench.ShapeLeakyFlushed, bench.ShapeFixed} {
		r, stderr, err := bench.Run(context.Background(), bench.Spec{Case: bench.CaseLateWrite, Shape: shape, N: 50, Size: 100})
		if err != nil {
			t.Fatalf("%s: %v\n%s", shape, err, stderr)
		}
		races := strings.Count(stderr, "WARNING: DATA RACE")
		t.Logf("%s: %d race reports for 50 requests; %s", shape, races, strings.Join(r.Notes, "; "))
		if i := strings.Index(stderr, "WARNING: DATA RACE"); i >= 0 && testing.Verbose() {
			report, _, _ := strings.Cut(stderr[i:], "==================")
			t.Logf("first report:\n%s", report)
		}
		switch {
		case shape == bench.ShapeFixed && races > 0:
			t.Errorf("fixed shape: %d race reports", races)
		case shape != bench.ShapeFixed && races == 0:
			t.Errorf("%s shape: no race reported", shape)
		}
	}
}
