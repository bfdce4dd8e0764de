package hotcgo_test

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/hotcgo"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		patterns []string
	}{
		{"own cgo package", []string{"a"}},
		{"facts across packages", []string{"codec", "app"}},
		{"generics", []string{"typeparams"}},
		{"odd code and cgo wrappers", []string{"odd"}},
		{"package without cgo", []string{"nocgo"}},
		{"build-tagged cgo with fallback", []string{"cgooff/app"}},
		{"short and deep reach, batch advice", []string{"chains"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			analysistest.Run(t, analysistest.TestData(), hotcgo.New(hotcgo.Default()), tc.patterns...)
		})
	}
}

// recorder is an analysistest.Testing that keeps the errors instead of failing.
type recorder struct{ errs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestConfig checks that a non-default Config changes the findings: package trips's want comments
// are the findings of max-constant-trips=4 with loops off, and the default reports nothing there.
func TestConfig(t *testing.T) {
	t.Parallel()
	strict := hotcgo.Default()
	strict.MaxConstantTrips = 4
	strict.Loops = false
	analysistest.Run(t, analysistest.TestData(), hotcgo.New(strict), "trips")

	rec := &recorder{}
	for _, res := range analysistest.Run(rec, analysistest.TestData(), hotcgo.New(hotcgo.Default()), "trips") {
		if res.Err != nil {
			t.Fatalf("default config: %v", res.Err)
		}
		for _, d := range res.Diagnostics {
			t.Errorf("default config reported %s at %v", d.Message, res.Pass.Fset.Position(d.Pos))
		}
	}

	// -hotcgo.deep: package deep's want comments are its findings; the default reports nothing.
	deep := hotcgo.Default()
	deep.Deep = true
	analysistest.Run(t, analysistest.TestData(), hotcgo.New(deep), "deep")
	rec = &recorder{}
	for _, res := range analysistest.Run(rec, analysistest.TestData(), hotcgo.New(hotcgo.Default()), "deep") {
		if res.Err != nil {
			t.Fatalf("default config: %v", res.Err)
		}
		for _, d := range res.Diagnostics {
			t.Errorf("default config reported %s at %v (deep reach must be opt-in)", d.Message, res.Pass.Fset.Position(d.Pos))
		}
	}

	// Flags bind to the instance's own copy of the configuration.
	a := hotcgo.New(hotcgo.Default())
	if err := a.Flags.Set("max-constant-trips", "2"); err != nil {
		t.Fatal(err)
	}
	if got := hotcgo.Analyzer.Flags.Lookup("max-constant-trips").Value.String(); got != "16" {
		t.Errorf("setting a flag of one instance changed the shared Analyzer: %s", got)
	}
}

// TestCgoDisabled loads the testdata with CGO_ENABLED=0: files that import "C" are left out, the
// pure-Go fallback is analysed, and the analyzer runs without error and reports nothing. It cannot
// run in parallel (t.Setenv).
func TestCgoDisabled(t *testing.T) {
	t.Setenv("CGO_ENABLED", "0")
	rec := &recorder{}
	results := analysistest.Run(rec, analysistest.TestData(), hotcgo.New(hotcgo.Default()), "cgooff/app", "nocgo")
	if len(results) == 0 {
		t.Fatal("nothing analysed")
	}
	for _, res := range results {
		if res.Err != nil {
			t.Errorf("%s: %v", res.Pass.Pkg.Path(), res.Err)
		}
		for _, d := range res.Diagnostics {
			t.Errorf("reported with cgo disabled: %s", d.Message)
		}
	}
	t.Logf("%d packages analysed, %d unmet want comments of the cgo build", len(results), len(rec.errs))
	// The only complaints allowed are the unmet want comments of the cgo build.
	for _, e := range rec.errs {
		if !strings.Contains(e, "no diagnostic was reported") && !strings.Contains(e, "no fact was reported") {
			t.Errorf("unexpected error with cgo disabled: %s", e)
		}
	}
}

// TestFactGob checks that the fact survives the gob encoding vet and nogo use between packages.
func TestFactGob(t *testing.T) {
	t.Parallel()
	in := &hotcgo.ReachesCgo{C: "C.sqlite3_step"}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 128 {
		t.Errorf("fact encodes to %d bytes; keep facts small", buf.Len())
	}
	out := new(hotcgo.ReachesCgo)
	if err := gob.NewDecoder(&buf).Decode(out); err != nil {
		t.Fatal(err)
	}
	if *out != *in || out.String() != "reaches C.sqlite3_step only through long or conditional calls" {
		t.Errorf("round trip: got %v, want %v", out, in)
	}
}
