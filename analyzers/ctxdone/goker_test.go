package ctxdone_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

// gokerOrphaned are the GoKer kernels (GoBench's reproductions of concurrency bugs that real
// projects shipped; Go carries 66 of them as runtime test data) whose leak is a channel operation
// nobody completes, with the leaking goroutine documented in runtime/goroutineleakprofile_test.go.
var gokerOrphaned = []string{
	"cockroach10790", "cockroach13197", "cockroach13755", "cockroach1462", "cockroach18101",
	"cockroach24808", "cockroach25456", "cockroach35073", "cockroach35931", "etcd6857",
	"grpc1275", "grpc1424", "grpc660", "grpc862", "istio17860", "istio18454", "kubernetes25331",
	"kubernetes38669", "kubernetes5316", "kubernetes70277", "moby21233", "moby33781",
	"syncthing5795",
}

// gokerReached is how many of gokerOrphaned ctxdone reports today, by configuration; the test
// fails below it.
var gokerReached = []struct {
	name    string
	cfg     ctxdone.Config
	reached int
}{
	{"default configuration", ctxdone.Config{IncludeTests: true}, 16},
	{"package-channels", ctxdone.Config{PackageChannels: true, IncludeTests: true}, 18},
}

// countingT collects analysistest's complaints: the kernels carry no `// want` comments, so every
// diagnostic and fact is "unexpected"; only other complaints (load errors) fail the test.
type countingT struct{ errs []string }

func (c *countingT) Errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// TestGoKer runs ctxdone over the GoKer kernels from GOROOT and checks recall on the orphaned-channel
// kernels: a finding in the kernel's file, with related information pointing at the other end.
func TestGoKer(t *testing.T) {
	t.Parallel()
	for _, tt := range gokerReached {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkGoKer(t, tt.cfg, tt.reached)
		})
	}
}

// checkGoKer runs ctxdone with cfg over a copy of the kernels and fails when it reports fewer than
// reached of gokerOrphaned.
func checkGoKer(t *testing.T, cfg ctxdone.Config, reached int) {
	src := filepath.Join(runtime.GOROOT(), "src", "runtime", "testdata", "testgoroutineleakprofile", "goker")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Skipf("GOROOT has no GoKer kernels (%v): nothing to measure", err)
	}
	// A GOPATH layout in a temporary directory: the kernels are one package main.
	dir := t.TempDir()
	pkgDir := filepath.Join(dir, "src", "goker")
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	kernels := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkgDir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if name := strings.TrimSuffix(e.Name(), ".go"); name != "main" {
			kernels[name] = true
		}
	}
	ft := &countingT{}
	results := analysistest.Run(ft, dir, ctxdone.New(cfg), "goker")
	for _, e := range ft.errs {
		if !strings.Contains(e, "unexpected diagnostic") && !strings.Contains(e, "unexpected fact") {
			t.Fatalf("running ctxdone on the GoKer kernels: %s", e)
		}
	}
	// found: kernel -> whether some finding in its file carries related information.
	found := map[string]bool{}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("ctxdone failed on the GoKer kernels: %v", r.Err)
		}
		for _, d := range r.Diagnostics {
			name := strings.TrimSuffix(filepath.Base(r.Pass.Fset.Position(d.Pos).Filename), ".go")
			found[name] = found[name] || len(d.Related) > 0
		}
	}
	var hit, miss []string
	orphaned := map[string]bool{}
	for _, k := range gokerOrphaned {
		orphaned[k] = true
		if !kernels[k] {
			t.Errorf("kernel %s is not in %s", k, src)
			continue
		}
		if found[k] {
			hit = append(hit, k)
		} else {
			miss = append(miss, k)
		}
	}
	var others []string
	for k := range found {
		if !orphaned[k] {
			others = append(others, k)
		}
	}
	sort.Strings(others)
	t.Logf("orphaned-channel kernels reported: %d of %d: %v", len(hit), len(gokerOrphaned), hit)
	t.Logf("missed: %v", miss)
	t.Logf("other kernels with findings (%d of %d): %v", len(others), len(kernels)-len(gokerOrphaned), others)
	if len(hit) < reached {
		t.Errorf("ctxdone reports %d of the %d orphaned-channel GoKer kernels, fewer than the %d it reached before; missed: %v",
			len(hit), len(gokerOrphaned), reached, miss)
	}
}
