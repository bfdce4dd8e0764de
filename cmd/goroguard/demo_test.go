package main_test

import (
	"strings"
	"testing"

	"github.com/goroguard/goroguard/analyzers"
	"github.com/goroguard/goroguard/internal/e2e"
)

// TestDemo runs the README's first command (`goroguard ./testdata/demo/...` from the checkout) and
// checks that the demo program shows findings of every analyzer of the registry, and only in the
// files that hold the demo's bugs, never in its command (the fixed wiring).
func TestDemo(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	root := e2e.Root(t)
	r := e2e.Run(t, root, nil, bin, "-json", "./testdata/demo/...")
	if r.Code != 0 {
		t.Fatalf("goroguard -json ./testdata/demo/...: exit %d\n%s", r.Code, r.Output())
	}
	findings, errs, err := e2e.ParseJSON(root, r.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	e2e.NoErrors(t, "demo", errs)
	per := map[string]int{}
	for _, f := range findings {
		per[f.Analyzer]++
		if strings.Contains(f.File, "/cmd/") {
			t.Errorf("finding in the demo's main package, which is written correctly: %s: %s", f.Key, f.Message)
		}
	}
	for _, name := range analyzers.Names() {
		if per[name] == 0 {
			t.Errorf("the demo shows no %s finding: README's first command must show every analyzer", name)
		}
	}
	// The plain run is what a newcomer sees: findings and exit status 3.
	if plain := e2e.Run(t, root, nil, bin, "./testdata/demo/..."); plain.Code != 3 {
		t.Errorf("goroguard ./testdata/demo/...: exit %d, want 3 (findings)\n%s", plain.Code, plain.Output())
	}
}
