package asyncwrite_test

import (
	"bytes"
	"encoding/gob"
	"flag"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/asyncwrite"
)

// TestAnalyzer runs the default analyzer over every package in one load: net/http's dependencies
// are analysed once for facts.
func TestAnalyzer(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), asyncwrite.Analyzer,
		"a",          // handlers: writes, reads, contexts, waits
		"c",          // a helper library: its facts
		"b",          // facts imported from package c
		"gin",        // framework context types (default handler-types)
		"typeparams", // generic helpers and handler types
		"odd",        // shapes that must not crash or report
		"closures",   // waits through returned and local closures; contexts through helpers
		"store",      // a data layer: which functions only read values from their context
		"valuectx",   // request contexts handed to that data layer
		"consume",    // waits by consuming the goroutine's output (range, comma-ok loops, streaming callbacks)
	)
}

func TestSuggestedFix(t *testing.T) {
	t.Parallel()
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), asyncwrite.Analyzer, "fix")
}

// TestConfig checks that handler-types changes the results: without the framework type the gin
// handlers are no handlers and nothing is reported; with a custom type its functions are handlers.
func TestConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  asyncwrite.Config
		pkg  string
	}{
		{"no-framework-types", asyncwrite.Config{HandlerTypes: ""}, "ginoff"},
		{"custom-type", asyncwrite.Config{HandlerTypes: "customctx.Ctx"}, "customctx"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			analysistest.Run(t, analysistest.TestData(), asyncwrite.New(tc.cfg), tc.pkg)
		})
	}
}

// TestFlags checks the flag is bound to the instance's own copy of the configuration.
func TestFlags(t *testing.T) {
	t.Parallel()
	a := asyncwrite.New(asyncwrite.Default())
	f := a.Flags.Lookup("handler-types")
	if f == nil {
		t.Fatal("no -handler-types flag")
	}
	if f.DefValue != asyncwrite.DefaultHandlerTypes {
		t.Errorf("default %q, want %q", f.DefValue, asyncwrite.DefaultHandlerTypes)
	}
	if err := a.Flags.Set("handler-types", "x.Y"); err != nil {
		t.Fatal(err)
	}
	if got := asyncwrite.Analyzer.Flags.Lookup("handler-types").Value.(flag.Getter).Get(); got != asyncwrite.DefaultHandlerTypes {
		t.Errorf("setting one instance's flag changed the default analyzer: %v", got)
	}
}

// TestFactGob checks that the fact survives gob encoding (vet and Bazel ship facts that way) and
// stays small.
func TestFactGob(t *testing.T) {
	t.Parallel()
	in := &asyncwrite.Uses{Writer: []int{0}, Body: []int{1}, Form: []int{1}, Quiet: []int{2}}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 200 {
		t.Errorf("fact encodes to %d bytes", buf.Len())
	}
	var out asyncwrite.Uses
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if in.String() != out.String() {
		t.Errorf("round trip: %s, want %s", out.String(), in.String())
	}
}
