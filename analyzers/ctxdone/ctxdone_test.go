package ctxdone_test

import (
	"bytes"
	"encoding/gob"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	// withTests reports in _test.go files too: several packages pin test-code shapes.
	withTests := ctxdone.Config{IncludeTests: true}
	tests := []struct {
		name string
		cfg  ctxdone.Config
		pkgs []string
	}{
		{"loops ignoring their context", withTests, []string{"loops"}},
		{"never-closed channels", withTests, []string{"never"}},
		{"completion signals", withTests, []string{"completion"}},
		{"facts across packages", ctxdone.Default(), []string{"lib", "app"}},
		{"generics and odd code", ctxdone.Default(), []string{"typeparams"}},
		{"main and init are process-lifetime by default", ctxdone.Default(), []string{"mainpkg"}},
		{"include-main reports main and init", ctxdone.Config{IncludeMain: true}, []string{"mainall"}},
		{"leaks only after the test failed", withTests, []string{"aftertest"}},
		{"stream decoders that return on EOF or closed", withTests, []string{"decoder"}},
		{"exclusive sends on errCh or outCh", withTests, []string{"exclusive"}},
		{"semaphore tokens sent before the go statement", withTests, []string{"semaphore"}},
		{"servers stopped before the spawner leaves", withTests, []string{"serverstop"}},
		{"drains guarded by a flag the loop keeps", withTests, []string{"flagdrain"}},
		{"late send on a channel the spawner closed", withTests, []string{"closepanic"}},
		{"counted receive loops left early", withTests, []string{"fanin"}},
		{"loops stopped only by a channel the spawner may not close", withTests, []string{"stoploop"}},
		{"include-tests is off by default: _test.go files are skipped", ctxdone.Default(), []string{"testsonly"}},
		{"test helpers in files that import testing are test code", ctxdone.Default(), []string{"helpers"}},
		{"command packages run once per process", ctxdone.Default(), []string{"cmdlib", "cmdpkg", "example.com/tool/pkg/cmd/stats", "example.com/tool/pkg/client", "example.com/server/cmd", "example.com/ci/fly/commands", "example.com/ci/daemon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			analysistest.Run(t, analysistest.TestData(), ctxdone.New(tt.cfg), tt.pkgs...)
		})
	}
}

// TestSuggestedFixes checks the buffer fix of the premature-return leak against the .golden file.
func TestSuggestedFixes(t *testing.T) {
	t.Parallel()
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), ctxdone.New(ctxdone.Default()), "premature", "handoff", "fanin")
}

// TestFlags checks that the flag changes only its own analyzer instance.
func TestFlags(t *testing.T) {
	t.Parallel()
	a := ctxdone.New(ctxdone.Default())
	if err := a.Flags.Set("include-main", "true"); err != nil {
		t.Fatal(err)
	}
	if ctxdone.Analyzer.Flags.Lookup("include-main").Value.String() != "false" {
		t.Error("setting a flag on one instance changed the shared Analyzer")
	}
	for _, name := range []string{"include-tests", "package-channels", "loops-any-context", "server-errors"} {
		if got := ctxdone.Analyzer.Flags.Lookup(name).Value.String(); got != "false" {
			t.Errorf("%s defaults to %s, want false", name, got)
		}
	}
}

// TestFactsGob checks that both facts survive gob encoding (the vet and nogo drivers serialise
// them) and stay small.
func TestFactsGob(t *testing.T) {
	t.Parallel()
	facts := []any{
		&ctxdone.ForeverFact{Ops: "receiving from in", Ctx: "ctx", Spin: "s.done"},
		&ctxdone.ChanParamsFact{Params: []ctxdone.ParamUse{{Index: 1, Need: ctxdone.NeedRecv, Sends: 1, Final: true}, {Index: 2, Need: ctxdone.NeedClose}}},
	}
	for _, f := range facts {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(f); err != nil {
			t.Fatalf("encode %T: %v", f, err)
		}
		if buf.Len() > 512 {
			t.Errorf("%T encodes to %d bytes", f, buf.Len())
		}
		switch f := f.(type) {
		case *ctxdone.ForeverFact:
			var got ctxdone.ForeverFact
			if err := gob.NewDecoder(&buf).Decode(&got); err != nil || got != *f {
				t.Errorf("round trip: got %+v, %v; want %+v", got, err, *f)
			}
		case *ctxdone.ChanParamsFact:
			var got ctxdone.ChanParamsFact
			if err := gob.NewDecoder(&buf).Decode(&got); err != nil || got.String() != f.String() {
				t.Errorf("round trip: got %v, %v; want %v", got.String(), err, f.String())
			}
		}
	}
}
