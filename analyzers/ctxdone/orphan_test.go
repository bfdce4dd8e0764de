package ctxdone_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

// TestOrphans checks the orphaned-channel findings (orphan.go): channels whose other end nothing in
// the package provides, followed through fields, containers, calls and function values.
func TestOrphans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pkgs []string
	}{
		{"fields, containers, calls, function values, buffers and self-waits", []string{"orphan"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			analysistest.Run(t, analysistest.TestData(), ctxdone.New(ctxdone.Config{PackageChannels: true, IncludeTests: true}), tt.pkgs...)
		})
	}
}
