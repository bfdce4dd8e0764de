package main_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goroguard/goroguard/internal/e2e"
)

// TestBenchGolangciBinary builds golangci-lint with the goroguard plugin (e2e.Golangci) into the
// directory $GOROGUARD_BENCH_GCL_DIR, for scripts/bench-driver.sh; skipped without it.
func TestBenchGolangciBinary(t *testing.T) {
	dir := os.Getenv("GOROGUARD_BENCH_GCL_DIR")
	if dir == "" {
		t.Skip("GOROGUARD_BENCH_GCL_DIR is not set: only scripts/bench-driver.sh needs this binary")
	}
	data, err := os.ReadFile(e2e.Golangci(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "custom-gcl"), data, 0o755); err != nil {
		t.Fatal(err)
	}
}
