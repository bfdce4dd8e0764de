package plugin_test

// End-to-end tests of the plugin inside a real golangci-lint (e2e.GolangciVersion), built offline
// from the Go module proxy, on the test module testdata/e2e, with .golangci.example.yml as the
// configuration. -short skips them (the first build takes minutes).

import (
	"encoding/json"
	"flag"
	"go/version"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/e2e"
)

var update = flag.Bool("update", false, "rewrite the generated settings block of .golangci.example.yml")

// exampleConfig returns .golangci.example.yml's text.
func exampleConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(e2e.Root(t), ".golangci.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

var exampleBlockRE = regexp.MustCompile(`(?m)^([ \t]*)# BEGIN.*\n(?:.*\n)*?[ \t]*` + regexp.QuoteMeta(e2e.ExampleEnd) + `\n`)

// TestGolangciExample checks that .golangci.example.yml shows every option of every analyzer at
// its default (go test ./plugin -run TestGolangciExample -update rewrites the block).
func TestGolangciExample(t *testing.T) {
	t.Parallel()
	text := exampleConfig(t)
	m := exampleBlockRE.FindStringSubmatchIndex(text)
	if m == nil {
		t.Fatalf(".golangci.example.yml has no block from %q to %q", "# BEGIN", e2e.ExampleEnd)
	}
	indent := text[m[2]:m[3]]
	settings, err := e2e.ExampleSettings(indent)
	if err != nil {
		t.Fatal(err)
	}
	block := indent + e2e.ExampleBegin + "\n" + settings + indent + e2e.ExampleEnd + "\n"
	if text[m[0]:m[1]] == block {
		return
	}
	if *update {
		text = text[:m[0]] + block + text[m[1]:]
		if err := os.WriteFile(filepath.Join(e2e.Root(t), ".golangci.example.yml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the settings block of .golangci.example.yml")
		return
	}
	t.Errorf(".golangci.example.yml does not show the analyzers' options at their defaults; run\n\tgo test ./plugin -run TestGolangciExample -update\nwant block:\n%s\ngot:\n%s", block, text[m[0]:m[1]])
}

// gclConfig is the example configuration with edits, plus settings that show every finding
// (golangci-lint's defaults hide repeats and a second finding on the same line).
func gclConfig(t *testing.T, edits ...string) string {
	t.Helper()
	cfg := exampleConfig(t)
	for i := 0; i < len(edits); i += 2 {
		re := regexp.MustCompile(edits[i])
		if !re.MatchString(cfg) {
			t.Fatalf("the example configuration has no match for %s: the test cannot set the option", edits[i])
		}
		cfg = re.ReplaceAllString(cfg, edits[i+1])
	}
	if strings.Contains(cfg, "\nissues:") || strings.Contains(cfg, "\nrun:") {
		t.Fatal("the example configuration has its own issues or run section; update the test")
	}
	// Parallel runners: the tests run golangci-lint concurrently, and by default each run waits
	// at most 5 s for a lock in the temporary directory, then fails.
	return cfg + `
run:
  allow-parallel-runners: true
issues:
  max-issues-per-linter: 0
  max-same-issues: 0
  uniq-by-line: false
`
}

type gclRun struct {
	e2e.Result
	findings []e2e.Finding
	related  []e2e.Finding // golangci-lint's issues made of related information
	sarif    []byte
}

// runGolangci runs golangci-lint bin on dir with config cfg and reads its JSON and SARIF output.
func runGolangci(t *testing.T, bin, dir, cfg string, args ...string) gclRun {
	t.Helper()
	out := t.TempDir()
	cfgPath := filepath.Join(dir, ".golangci.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	jsonPath, sarifPath := filepath.Join(out, "out.json"), filepath.Join(out, "out.sarif")
	args = append([]string{"run", "--config", cfgPath, "--output.json.path", jsonPath, "--output.sarif.path", sarifPath}, args...)
	args = append(args, "./...")
	res := e2e.Run(t, dir, []string{"GOLANGCI_LINT_CACHE=" + filepath.Join(e2e.WorkDir(t), "golangci-cache")}, bin, args...)
	r := gclRun{Result: res}
	if data, err := os.ReadFile(jsonPath); err == nil {
		if r.findings, r.related, err = e2e.ParseGolangciJSON(dir, data); err != nil {
			t.Fatal(err)
		}
		r.sarif, _ = os.ReadFile(sarifPath)
	}
	return r
}

// check compares a successful run's findings with want; golangci-lint exits 1 with findings.
func (r gclRun) check(t *testing.T, label string, want e2e.Want) {
	t.Helper()
	wantCode := 0
	if len(want) > 0 {
		wantCode = 1
	}
	if r.Code != wantCode || r.findings == nil && r.Code != 0 {
		t.Fatalf("%s: exit %d, want %d\n%s", label, r.Code, wantCode, r.Output())
	}
	if strings.Contains(r.Output(), "panic") || strings.Contains(r.Output(), "internal error") {
		t.Errorf("%s: golangci-lint reported an analyzer failure:\n%s", label, r.Output())
	}
	e2e.Compare(t, label, want, r.findings)
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the golangci-lint build (minutes when cold)")
	}
}

// TestGolangci runs the custom golangci-lint with the example configuration and variants of it.
func TestGolangci(t *testing.T) {
	skipShort(t)
	t.Parallel()
	bin := e2e.Golangci(t)
	markers := e2e.ReadMarkers(t, e2e.ModuleDir(t))

	t.Run("example config", func(t *testing.T) {
		t.Parallel()
		dir := e2e.CopyModule(t)
		r := runGolangci(t, bin, dir, gclConfig(t))
		r.check(t, "golangci-lint with .golangci.example.yml", markers.Want)
		e2e.CheckCoverage(t, markers.Want)
		for _, f := range r.findings {
			if f.Analyzer == "?" {
				t.Errorf("%s: goroguard finding without an analyzer prefix: %q", f.Key, f.Message)
			}
		}
	})

	t.Run("sarif", func(t *testing.T) {
		t.Parallel()
		dir := e2e.CopyModule(t)
		r := runGolangci(t, bin, dir, gclConfig(t))
		var sarif struct {
			Version string `json:"version"`
			Runs    []struct {
				Results []struct {
					RuleID    string `json:"ruleId"`
					Message   struct{ Text string }
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine int }
						}
					}
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(r.sarif, &sarif); err != nil {
			t.Fatalf("--output.sarif.path did not write valid JSON: %v\n%s\n%s", err, r.sarif, r.Output())
		}
		if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
			t.Fatalf("SARIF version %q with %d runs, want 2.1.0 with one run", sarif.Version, len(sarif.Runs))
		}
		var got []e2e.Finding
		for _, res := range sarif.Runs[0].Results {
			if res.RuleID != "goroguard" {
				t.Errorf("SARIF result with ruleId %q, want goroguard", res.RuleID)
			}
			if len(res.Locations) != 1 {
				t.Errorf("SARIF result %q has %d locations", res.Message.Text, len(res.Locations))
				continue
			}
			loc := res.Locations[0].PhysicalLocation
			f := e2e.GolangciFinding(dir, res.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine, res.Message.Text)
			if !strings.HasSuffix(f.Analyzer, e2e.RelatedSuffix) {
				got = append(got, f)
			}
		}
		e2e.Compare(t, "SARIF output", markers.Want, got)
	})

	t.Run("option changes the result", func(t *testing.T) {
		t.Parallel()
		if len(markers.Option) == 0 {
			t.Fatal("testdata/e2e has no `// e2e:want-option spawnloop` marker (package options)")
		}
		dir := e2e.CopyModule(t)
		r := runGolangci(t, bin, dir, gclConfig(t, `(?m)^(\s+)report-accept-loops: false$`, "${1}report-accept-loops: true"))
		r.check(t, "golangci-lint with spawnloop report-accept-loops: true", markers.Want.Plus(markers.Option))
	})

	// Under a newer Go than the e2e module's (Go 1.27 in .ci/run's second pass), a module written
	// for that Go: golangci-lint built with it loads the module and the plugin reports as before.
	t.Run("module at the running Go", func(t *testing.T) {
		t.Parallel()
		lang := strings.TrimPrefix(version.Lang(runtime.Version()), "go")
		dir := e2e.CopyModule(t)
		gomod := filepath.Join(dir, "go.mod")
		data, err := os.ReadFile(gomod)
		if err != nil {
			t.Fatal(err)
		}
		goLine := regexp.MustCompile(`(?m)^go \S+$`)
		if lang == "" || goLine.FindString(string(data)) == "go "+lang {
			t.Skipf("the e2e module is already at the running Go (%s)", runtime.Version())
		}
		if err := os.WriteFile(gomod, goLine.ReplaceAll(data, []byte("go "+lang)), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runGolangci(t, bin, dir, gclConfig(t))
		r.check(t, "golangci-lint built with "+runtime.Version()+" on a `go "+lang+"` module", markers.Want)
	})

	t.Run("disable", func(t *testing.T) {
		t.Parallel()
		dir := e2e.CopyModule(t)
		r := runGolangci(t, bin, dir, gclConfig(t, `(?m)^(\s+)disable: \[\]$`, "${1}disable: [spawnloop]"))
		r.check(t, "golangci-lint with disable: [spawnloop]", markers.Want.Without("spawnloop"))
	})

	for _, tc := range []struct{ name, re, repl, key string }{
		{"unknown key", `(?m)^(\s+)disable: \[\]$`, "${1}disable: []\n${1}no-such-key: true", "no-such-key"},
		{"unknown option", `(?m)^(\s+)hotcgo:( \{\})?$`, "${1}hotcgo:\n${1}  no-such-option: 3", "no-such-option"},
		{"unknown analyzer in disable", `(?m)^(\s+)disable: \[\]$`, "${1}disable: [spawnlop]", "spawnlop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := e2e.CopyModule(t)
			r := runGolangci(t, bin, dir, gclConfig(t, tc.re, tc.repl))
			if r.Code == 0 || r.Code == 1 && len(r.findings) > 0 {
				t.Fatalf("exit %d with %d findings, want a configuration error\n%s", r.Code, len(r.findings), r.Output())
			}
			if !strings.Contains(r.Output(), tc.key) || !strings.Contains(r.Output(), "goroguard") {
				t.Errorf("the error does not name the plugin and the key %q:\n%s", tc.key, r.Output())
			}
		})
	}

	// //nolint:goroguard on a finding's line suppresses it (golangci-lint matches the plugin's
	// name); //nolint:<analyzer> is not a linter name golangci-lint knows, so goroguard's guard
	// layer honours it itself; a //nolint naming another analyzer suppresses nothing.
	t.Run("nolint", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			directive  string
			suppresses bool
		}{
			{"//nolint:goroguard // the e2e test suppresses this finding", true},
			{"//nolint:all // the e2e test suppresses this finding", true},
			{"//nolint:spawnloop // goroguard honours its analyzers' names itself", true},
			{"//nolint:ctxdone // names another analyzer: the spawnloop finding stays", false},
		} {
			dir := e2e.CopyModule(t)
			k, ok := e2e.FirstMarked(markers.Want, "spawnloop")
			if !ok {
				t.Fatal("no spawnloop marker in testdata/e2e/spawnloop")
			}
			e2e.EditLine(t, dir, k, func(line string) string {
				if !tc.suppresses {
					return line + " " + tc.directive
				}
				return e2e.StripMarker(line) + " " + tc.directive
			})
			want := e2e.ReadMarkers(t, dir).Want
			r := runGolangci(t, bin, dir, gclConfig(t))
			r.check(t, "golangci-lint with "+tc.directive+" at "+k.String(), want)
		}
	})

	t.Run("linters", func(t *testing.T) {
		t.Parallel()
		dir := e2e.CopyModule(t)
		if err := os.WriteFile(filepath.Join(dir, ".golangci.yml"), []byte(gclConfig(t)), 0o644); err != nil {
			t.Fatal(err)
		}
		r := e2e.Run(t, dir, nil, bin, "linters", "--config", ".golangci.yml")
		if r.Code != 0 || !regexp.MustCompile(`(?m)^goroguard\b`).MatchString(r.Stdout) {
			t.Errorf("golangci-lint linters does not list goroguard as enabled (exit %d):\n%s", r.Code, r.Output())
		}
	})
}

// TestCustomGcl runs the real `golangci-lint custom` with .custom-gcl.example.yml (the plugin
// taken from the checkout through path:), offline: golangci-lint's own source comes from a local
// git repository made from the module proxy's copy, substituted for GitHub through git's
// url.<base>.insteadOf. The binary it writes must run the plugin.
func TestCustomGcl(t *testing.T) {
	skipShort(t)
	t.Parallel()
	// Build the plugin binary first: the two builds share most packages through the build cache.
	e2e.Golangci(t)
	upstream := e2e.UpstreamGolangci(t)
	repo := e2e.GolangciSourceRepo(t)

	data, err := os.ReadFile(filepath.Join(e2e.Root(t), ".custom-gcl.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	if !strings.Contains(cfg, "version: "+e2e.GolangciVersion+"\n") {
		t.Errorf(".custom-gcl.example.yml does not build golangci-lint %s, the version the plugin is tested with", e2e.GolangciVersion)
	}
	// The plugin entry's version line becomes a path to the checkout.
	pluginVersion := regexp.MustCompile(`(?m)^(\s+)version: \S+\n`)
	if len(pluginVersion.FindAllString(cfg, -1)) != 1 {
		t.Fatalf(".custom-gcl.example.yml: want exactly one plugin version line to substitute:\n%s", cfg)
	}
	cfg = pluginVersion.ReplaceAllString(cfg, "${1}path: "+e2e.Root(t)+"\n")

	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, ".custom-gcl.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := e2e.Run(t, work, e2e.GitSubstitute(repo), upstream, "custom", "-v")
	if r.Code != 0 {
		t.Fatalf("golangci-lint custom failed (exit %d):\n%s", r.Code, r.Output())
	}
	custom := filepath.Join(work, "custom-gcl")
	if _, err := os.Stat(custom); err != nil {
		t.Fatalf("golangci-lint custom did not write %s: %v\n%s", custom, err, r.Output())
	}

	v := e2e.Run(t, work, nil, custom, "version")
	if !strings.Contains(v.Output(), strings.TrimPrefix(e2e.GolangciVersion, "v")+"-custom-gcl") {
		t.Errorf("custom-gcl version does not say it is a custom build of %s:\n%s", e2e.GolangciVersion, v.Output())
	}
	markers := e2e.ReadMarkers(t, e2e.ModuleDir(t))
	dir := e2e.CopyModule(t)
	res := runGolangci(t, custom, dir, gclConfig(t))
	res.check(t, "custom-gcl built by golangci-lint custom", markers.Want)
}
