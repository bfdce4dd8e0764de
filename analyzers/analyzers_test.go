package analyzers_test

import (
	"flag"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/tools/go/analysis"

	"github.com/goroguard/goroguard/analyzers"
	"github.com/goroguard/goroguard/internal/guard"
)

// configs maps each analyzer name to its section of analyzers.Config, by json name.
func configs(t *testing.T) map[string]reflect.Value {
	t.Helper()
	out := map[string]reflect.Value{}
	v := reflect.ValueOf(analyzers.Default())
	for i := range v.NumField() {
		name := jsonName(v.Type().Field(i))
		if name == "" {
			t.Errorf("analyzers.Config field %s has no json name", v.Type().Field(i).Name)
			continue
		}
		if v.Field(i).Kind() != reflect.Struct {
			t.Errorf("analyzers.Config field %s is a %s, want an analyzer's Config struct", v.Type().Field(i).Name, v.Field(i).Kind())
			continue
		}
		out[name] = v.Field(i)
	}
	return out
}

func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	names := analyzers.Names()
	if len(names) == 0 {
		t.Fatal("the registry is empty")
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("analyzer name %q appears twice in the registry", n)
		}
		seen[n] = true
		if n != strings.ToLower(n) || strings.ContainsFunc(n, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			t.Errorf("analyzer name %q is not one lowercase word", n)
		}
	}
	// The directive handling knows the same names (it reports directives naming none of them).
	if !slices.Equal(slices.Sorted(slices.Values(guard.Names)), slices.Sorted(slices.Values(names))) {
		t.Errorf("guard.Names = %v, want the registry's %v", guard.Names, names)
	}
	// Config has one section per analyzer, named like it.
	cfgs := configs(t)
	for _, n := range names {
		if _, ok := cfgs[n]; !ok {
			t.Errorf("analyzers.Config has no section with json name %q", n)
		}
	}
	if len(cfgs) != len(names) {
		t.Errorf("analyzers.Config has %d sections for %d analyzers", len(cfgs), len(names))
	}
	// Build with the defaults returns the same analyzers as All, in the same order, as new instances.
	built, err := analyzers.Build(analyzers.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var builtNames []string
	for i, a := range built {
		builtNames = append(builtNames, a.Name)
		if i < len(analyzers.All()) && a == analyzers.All()[i] {
			t.Errorf("Build returned the shared Analyzer variable of %s, want a fresh instance", a.Name)
		}
	}
	if !slices.Equal(builtNames, names) {
		t.Errorf("Build(Default(), nil) = %v, want %v", builtNames, names)
	}
}

func TestBuildDisable(t *testing.T) {
	t.Parallel()
	names := analyzers.Names()
	for _, off := range names {
		as, err := analyzers.Build(analyzers.Default(), []string{off})
		if err != nil {
			t.Fatalf("disable %s: %v", off, err)
		}
		var got []string
		for _, a := range as {
			got = append(got, a.Name)
		}
		want := slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == off })
		if !slices.Equal(got, want) {
			t.Errorf("disable %s: got %v, want %v", off, got, want)
		}
	}
	if as, err := analyzers.Build(analyzers.Default(), names); err != nil || len(as) != 0 {
		t.Errorf("disable all: got %d analyzers, error %v; want none", len(as), err)
	}
	_, err := analyzers.Build(analyzers.Default(), []string{"spawnlop"})
	if err == nil || !strings.Contains(err.Error(), `"spawnlop"`) {
		t.Errorf("disable of an unknown analyzer: error %v, want one naming \"spawnlop\"", err)
	}
}

// TestFlagsMatchConfig: each analyzer's flags and its Config's json fields are the same set of
// names (a flag is a golangci-lint setting and vice versa), with the same defaults.
func TestFlagsMatchConfig(t *testing.T) {
	t.Parallel()
	cfgs := configs(t)
	built, err := analyzers.Build(analyzers.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range append(built, analyzers.All()...) {
		cfg, ok := cfgs[a.Name]
		if !ok {
			continue // reported by TestRegistry
		}
		fields := map[string]reflect.Value{}
		for i := range cfg.NumField() {
			f := cfg.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name := jsonName(f)
			if name == "" {
				t.Errorf("%s.Config.%s has no json tag: it cannot be a golangci-lint setting", a.Name, f.Name)
				continue
			}
			fields[name] = cfg.Field(i)
			fl := a.Flags.Lookup(name)
			if fl == nil {
				t.Errorf("%s.Config.%s (json %q) has no flag -%s.%s", a.Name, f.Name, name, a.Name, name)
				continue
			}
			if want, ok := defaultString(cfg.Field(i)); ok && fl.DefValue != want {
				t.Errorf("flag -%s.%s defaults to %q, but Default() has %q", a.Name, name, fl.DefValue, want)
			}
			if strings.TrimSpace(fl.Usage) == "" {
				t.Errorf("flag -%s.%s has no usage text", a.Name, name)
			}
		}
		a.Flags.VisitAll(func(fl *flag.Flag) {
			if _, ok := fields[fl.Name]; !ok {
				t.Errorf("flag -%s.%s has no json field of that name in %s.Config: it cannot be set from golangci-lint", a.Name, fl.Name, a.Name)
			}
		})
	}
}

// defaultString is the flag package's rendering of a default value, for the kinds where it is
// unambiguous.
func defaultString(v reflect.Value) (string, bool) {
	if v.Type() == reflect.TypeOf(time.Duration(0)) {
		return time.Duration(v.Int()).String(), true
	}
	switch v.Kind() {
	case reflect.Bool, reflect.String, reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Float64:
		return fmt.Sprint(v.Interface()), true
	}
	return "", false
}

// TestInstancesDoNotShareConfig: setting a flag of one instance leaves other instances alone
// (no package-level configuration).
func TestInstancesDoNotShareConfig(t *testing.T) {
	t.Parallel()
	one, err := analyzers.Build(analyzers.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	two, err := analyzers.Build(analyzers.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range one {
		b := two[i]
		a.Flags.VisitAll(func(f *flag.Flag) {
			before := b.Flags.Lookup(f.Name).Value.String()
			global := analyzers.All()[i].Flags.Lookup(f.Name).Value.String()
			for _, v := range []string{"true", "false", "17", "0", "e2e", "1s"} {
				if f.Value.Set(v) == nil && f.Value.String() != before {
					break
				}
			}
			if got := b.Flags.Lookup(f.Name).Value.String(); got != before {
				t.Errorf("-%s.%s set on one instance changed another's from %q to %q", a.Name, f.Name, before, got)
			}
			if got := analyzers.All()[i].Flags.Lookup(f.Name).Value.String(); got != global {
				t.Errorf("-%s.%s set on one instance changed the default Analyzer's from %q to %q", a.Name, f.Name, global, got)
			}
		})
	}
}

// TestDocAndURL: every analyzer has a manual (goroguard help shows it) and a URL.
func TestDocAndURL(t *testing.T) {
	t.Parallel()
	for _, a := range analyzers.All() {
		checkDoc(t, a)
	}
}

func checkDoc(t *testing.T, a *analysis.Analyzer) {
	t.Helper()
	summary, rest, _ := strings.Cut(a.Doc, "\n")
	switch {
	case summary == "":
		t.Errorf("%s: Doc has no summary line", a.Name)
	case strings.HasPrefix(summary, a.Name+":"):
		t.Errorf("%s: Doc summary %q still starts with the name (docx strips it)", a.Name, summary)
	case !unicode.IsLower([]rune(summary)[0]) || strings.HasSuffix(summary, "."):
		t.Errorf("%s: Doc summary %q: want lowercase, no final period", a.Name, summary)
	case len(summary) > 100:
		t.Errorf("%s: Doc summary is %d characters, want a one-line summary", a.Name, len(summary))
	}
	if strings.TrimSpace(rest) == "" {
		t.Errorf("%s: Doc has no body after the summary", a.Name)
	}
	if want := "https://pkg.go.dev/github.com/goroguard/goroguard/analyzers/" + a.Name; a.URL != want {
		t.Errorf("%s: URL = %q, want %q", a.Name, a.URL, want)
	}
	if a.Run == nil {
		t.Errorf("%s: no Run function", a.Name)
	}
	if err := analysis.Validate([]*analysis.Analyzer{a}); err != nil {
		t.Errorf("%s: %v", a.Name, err)
	}
}
