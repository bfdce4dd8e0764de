package ctxdone_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

// TestOrphans checks the package-wide channel findings (orphan.go): channels whose other end
// nothing in the package provides, followed through fields, containers, calls and function values,
// and goroutines waiting on their own deferred close, by default; sends and receives stranded by a
// partner that can leave, with package-channels.
func TestOrphans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  ctxdone.Config
		pkgs []string
	}{
		{"fields, containers, calls, function values, buffers and self-waits (default)", ctxdone.Config{IncludeTests: true}, []string{"orphan"}},
		{"the same with package-channels", ctxdone.Config{PackageChannels: true, IncludeTests: true}, []string{"orphan"}},
		{"stranded operations with package-channels", ctxdone.Config{PackageChannels: true, IncludeTests: true}, []string{"stranded"}},
		{"stranded operations whose goroutine could watch the way out (default)", ctxdone.Config{IncludeTests: true}, []string{"watched"}},
		{"stranded goroutines started after the cancellation their partners leave on (default)", ctxdone.Config{IncludeTests: true}, []string{"fired"}},
		{"waits on contexts nothing cancels (default)", ctxdone.Config{IncludeTests: true}, []string{"nevercancel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			analysistest.Run(t, analysistest.TestData(), ctxdone.New(tt.cfg), tt.pkgs...)
		})
	}
}

// TestStrandedNeedsFlag checks that the stranded-operation findings stay silent by default: on the
// first held-out run 1 of their 5 findings was wanted (receivers that leave only at shutdown).
func TestStrandedNeedsFlag(t *testing.T) {
	t.Parallel()
	ct := &countingT{}
	analysistest.Run(ct, analysistest.TestData(), ctxdone.New(ctxdone.Config{IncludeTests: true}), "stranded")
	missing := 0
	for _, e := range ct.errs {
		if strings.Contains(e, "unexpected diagnostic") {
			t.Errorf("default configuration reports a stranded operation: %s", e)
		}
		if strings.Contains(e, "no diagnostic was reported") {
			missing++
		}
	}
	if missing == 0 {
		t.Error("the stranded package's `// want` findings were all reported without package-channels")
	}
}
