package plugin_test

import (
	"encoding/json"
	"flag"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers"
	"github.com/goroguard/goroguard/internal/e2e"
	"github.com/goroguard/goroguard/plugin"
)

func TestMain(m *testing.M) { e2e.Main(m) }

// build goes through golangci-lint's registry exactly as golangci-lint does: GetPlugin by name,
// the constructor with the decoded YAML settings, then BuildAnalyzers.
func build(t *testing.T, settings any) ([]*analysis.Analyzer, error) {
	t.Helper()
	newPlugin, err := register.GetPlugin(plugin.Name)
	if err != nil {
		t.Fatalf("plugin not registered: %v", err)
	}
	p, err := newPlugin(settings)
	if err != nil {
		return nil, err
	}
	if got := p.GetLoadMode(); got != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", got, register.LoadModeTypesInfo)
	}
	return p.BuildAnalyzers()
}

func names(as []*analysis.Analyzer) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func byName(as []*analysis.Analyzer, name string) *analysis.Analyzer {
	for _, a := range as {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// settingsJSON turns a YAML-like literal into what golangci-lint hands the plugin (maps from
// decoding YAML), so the tests pass the same shapes.
func settingsJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRegistry runs the analyzers built through the registry with analysistest: the plugin's
// analyzers go through the suite's shared directive handling (package p), and none of them
// reports ordinary correct code or fails on it (package q).
func TestRegistry(t *testing.T) {
	t.Parallel()
	as, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(as), analyzers.Names()) {
		t.Fatalf("BuildAnalyzers() = %v, want the registry's %v", names(as), analyzers.Names())
	}
	dir := analysistest.TestData()
	analysistest.Run(t, dir, byName(as, "spawnloop"), "p")
	for _, a := range as {
		analysistest.Run(t, dir, a, "q")
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	all := analyzers.Names()
	without := func(name string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == name })
	}
	tests := []struct {
		name     string
		settings string // JSON; "null" is golangci-lint's "no settings"
		want     []string
		wantErr  []string // substrings of the error
	}{
		{name: "nil settings", settings: `null`, want: all},
		{name: "empty settings", settings: `{}`, want: all},
		{name: "empty analyzer sections", settings: `{"ctxdone": {}, "asyncwrite": {}, "spawnloop": {}, "hotcgo": {}}`, want: all},
		{name: "disable one", settings: `{"disable": ["hotcgo"]}`, want: without("hotcgo")},
		{name: "disable spawnloop", settings: `{"disable": ["spawnloop"]}`, want: without("spawnloop")},
		{name: "disable all", settings: `{"disable": ["ctxdone", "asyncwrite", "spawnloop", "hotcgo"]}`, want: nil},
		{name: "unknown top-level key", settings: `{"no-such-key": true}`, wantErr: []string{"no-such-key"}},
		{name: "misspelled analyzer section", settings: `{"spawnlop": {}}`, wantErr: []string{"spawnlop"}},
		{name: "unknown nested key", settings: `{"ctxdone": {"no-such-option": 1}}`, wantErr: []string{"no-such-option"}},
		{name: "unknown analyzer in disable", settings: `{"disable": ["nosuch"]}`, wantErr: []string{"nosuch", "disable"}},
		{name: "wrong type", settings: `{"disable": "hotcgo"}`, wantErr: []string{"goroguard settings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			as, err := build(t, settingsJSON(t, tt.settings))
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("settings %s: no error, want one mentioning %q", tt.settings, tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("settings %s: error %q does not mention %q", tt.settings, err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("settings %s: %v", tt.settings, err)
			}
			if !slices.Equal(names(as), tt.want) {
				t.Errorf("settings %s: analyzers %v, want %v", tt.settings, names(as), tt.want)
			}
		})
	}
}

// option is one analyzer option with a value that differs from its default.
type option struct {
	analyzer, key string
	value         any
}

// nonDefaultOptions lists every option of every analyzer with a value other than its default,
// for the kinds of options a settings file can hold.
func nonDefaultOptions(t *testing.T) []option {
	var opts []option
	def := reflect.ValueOf(analyzers.Default())
	for i := range def.NumField() {
		analyzer := e2e.JSONName(def.Type().Field(i))
		sub := def.Field(i)
		for j := range sub.NumField() {
			key := e2e.JSONName(sub.Type().Field(j))
			if key == "" {
				continue
			}
			f := sub.Field(j)
			var v any
			switch f.Kind() {
			case reflect.Bool:
				v = !f.Bool()
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				v = f.Int() + 7
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				v = f.Uint() + 7
			case reflect.Float32, reflect.Float64:
				v = f.Float() + 0.5
			case reflect.String:
				v = f.String() + "e2e"
			case reflect.Slice:
				if f.Type().Elem().Kind() == reflect.String {
					v = []string{"example.com/e2e.Option"}
				}
			}
			if v == nil {
				t.Logf("option %s.%s of kind %s: no generic non-default value, not checked", analyzer, key, f.Kind())
				continue
			}
			opts = append(opts, option{analyzer, key, v})
		}
	}
	return opts
}

// TestOptionsReachAnalyzers sets each option to a non-default value through the plugin's settings
// and checks that the built analyzer's flag of the same name holds it while every other analyzer
// instance keeps its defaults.
func TestOptionsReachAnalyzers(t *testing.T) {
	t.Parallel()
	defaults, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range nonDefaultOptions(t) {
		t.Run(o.analyzer+"."+o.key, func(t *testing.T) {
			t.Parallel()
			settings := map[string]any{o.analyzer: map[string]any{o.key: o.value}}
			as, err := build(t, settings)
			if err != nil {
				t.Fatalf("settings %v: %v", settings, err)
			}
			a := byName(as, o.analyzer)
			f := a.Flags.Lookup(o.key)
			if f == nil {
				t.Fatalf("%s has option %q but no flag of that name", o.analyzer, o.key)
			}
			def := byName(defaults, o.analyzer).Flags.Lookup(o.key).Value.String()
			if got := f.Value.String(); got == def {
				t.Errorf("settings %v: flag -%s.%s still shows the default %q", settings, o.analyzer, o.key, got)
			}
			// The setting stays in this build: the registry's default instance is untouched.
			for _, d := range analyzers.All() {
				if d.Name == o.analyzer {
					if got := d.Flags.Lookup(o.key).Value.String(); got != def {
						t.Errorf("setting %s.%s changed the default analyzer's flag to %q", o.analyzer, o.key, got)
					}
				}
			}
		})
	}
}

// TestFreshInstances: every BuildAnalyzers call returns new analyzer instances, with their own
// flags, so concurrent golangci-lint runs (and tests) cannot share configuration.
func TestFreshInstances(t *testing.T) {
	t.Parallel()
	newPlugin, err := register.GetPlugin(plugin.Name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) || len(first) == 0 {
		t.Fatalf("BuildAnalyzers returned %d then %d analyzers", len(first), len(second))
	}
	for i := range first {
		a, b := first[i], second[i]
		if a == b {
			t.Errorf("%s: BuildAnalyzers returned the same instance twice", a.Name)
		}
		for _, d := range analyzers.All() {
			if a == d {
				t.Errorf("%s: BuildAnalyzers returned the package's default Analyzer variable", a.Name)
			}
		}
		// Changing a flag of one instance must not reach the other: the configs are not shared.
		a.Flags.VisitAll(func(f *flag.Flag) {
			before := b.Flags.Lookup(f.Name).Value.String()
			for _, v := range []string{"true", "false", "1", "0", "e2e"} {
				if f.Value.Set(v) == nil && f.Value.String() != before {
					break
				}
			}
			if got := b.Flags.Lookup(f.Name).Value.String(); got != before {
				t.Errorf("setting -%s.%s on one instance changed another instance's flag from %q to %q", a.Name, f.Name, before, got)
			}
		})
	}
}
