package main_test

// End-to-end tests of the standalone driver: packages that do not type-check, code that needs a
// newer Go, -test, SARIF output, and the size of the facts.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/goroguard/goroguard/analyzers"
	"github.com/goroguard/goroguard/internal/e2e"
)

// writeModule writes files (slash-separated path → content) to a fresh directory.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// leak is a premature-return leak that ctxdone reports at its go statement (line 3 of the text).
const leak = `func Fetch%[1]s(ctx context.Context) int {
	ch := make(chan int)
	go func() { // e2e:want ctxdone
		ch <- %[2]s
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}
`

// brokenModule has a package that needs the build tag extra (tagged), a package that imports it
// and has a leak of its own (app), one that imports app (top, its leak needs app's types) and an
// unrelated package with a leak in a file and in a test file (other).
var brokenModule = map[string]string{
	"go.mod": "module example.com/broken\n\ngo 1.26\n",
	"tagged/tagged.go": `// Package tagged needs the build tag extra: helper is defined only in extra.go.
package tagged

func Value() int { return helper() }
`,
	"tagged/extra.go":     "//go:build extra\n\npackage tagged\n\nfunc helper() int { return 1 }\n",
	"app/app.go":          "package app\n\nimport (\n\t\"context\"\n\n\t\"example.com/broken/tagged\"\n)\n\n" + fmt.Sprintf(leak, "", "tagged.Value()"),
	"top/top.go":          "package top\n\nimport (\n\t\"context\"\n\n\t\"example.com/broken/app\"\n)\n\n" + fmt.Sprintf(leak, "", "app.Fetch(ctx)"),
	"other/other.go":      "package other\n\nimport \"context\"\n\n" + fmt.Sprintf(leak, "", "1"),
	"other/other_test.go": "package other\n\nimport \"context\"\n\n" + fmt.Sprintf(leak, "InTest", "2"),
}

// TestBrokenPackage: a package that does not type-check (it needs a build tag) is reported once,
// with the tag to pass, and every other package, its importers included, is still analysed.
func TestBrokenPackage(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		broken bool // the error about package tagged is expected
		tests  bool // findings in test files are expected
		format string
	}{
		{"text", []string{"./..."}, 1, true, true, "text"},
		{"json", []string{"-json", "./..."}, 1, true, true, "json"},
		{"sarif", []string{"-sarif", "./..."}, 1, true, true, "sarif"},
		{"without tests", []string{"-test=false", "./..."}, 1, true, false, "text"},
		{"with the tag", []string{"-tags=extra", "./..."}, 3, false, true, "text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeModule(t, brokenModule)
			want := e2e.ReadMarkers(t, dir).Want
			if !tc.tests {
				for k := range want {
					if strings.HasSuffix(k.File, "_test.go") {
						delete(want, k)
					}
				}
			}
			// ctxdone skips _test.go files unless -ctxdone.include-tests; the test-file leak
			// checks that -test reaches them.
			r := e2e.Run(t, dir, nil, bin, append([]string{"-ctxdone.include-tests"}, tc.args...)...)
			if r.Code != tc.code {
				t.Errorf("exit %d, want %d\n%s", r.Code, tc.code, r.Output())
			}
			var got []e2e.Finding
			switch tc.format {
			case "json":
				fs, errs, err := e2e.ParseJSON(dir, r.Stdout)
				if err != nil {
					t.Fatal(err)
				}
				e2e.NoErrors(t, tc.name, errs)
				got = fs
			case "sarif":
				var log sarifLog
				if err := json.Unmarshal([]byte(r.Stdout), &log); err != nil || len(log.Runs) != 1 {
					t.Fatalf("not a SARIF log with one run: %v\n%s", err, r.Stdout)
				}
				run := log.Runs[0]
				for _, res := range run.Results {
					loc := res.Locations[0].PhysicalLocation
					got = append(got, e2e.Finding{Key: e2e.Key{File: loc.ArtifactLocation.URI, Line: loc.Region.StartLine, Analyzer: res.RuleID}})
				}
				if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful ||
					len(run.Invocations[0].Notifications) != 1 || !strings.Contains(run.Invocations[0].Notifications[0].Message.Text, "example.com/broken/tagged") {
					t.Errorf("want an unsuccessful invocation with one notification naming the broken package, got %+v", run.Invocations)
				}
			default:
				got = e2e.ParseText(dir, r.Output())
			}
			e2e.Compare(t, "goroguard "+strings.Join(tc.args, " "), want, got)
			errLines := 0
			for _, l := range strings.Split(r.Stderr, "\n") {
				if strings.Contains(l, "example.com/broken/tagged") {
					errLines++
				}
			}
			switch {
			case tc.broken && errLines != 1:
				t.Errorf("want the broken package named on exactly one line, got %d:\n%s", errLines, r.Stderr)
			case tc.broken && !strings.Contains(r.Stderr, "-tags=extra"):
				t.Errorf("the error does not say to pass -tags=extra:\n%s", r.Stderr)
			case !tc.broken && errLines != 0:
				t.Errorf("unexpected error about package tagged:\n%s", r.Stderr)
			}
			for _, noise := range []string{"failed prerequisites", "analysis skipped"} {
				if strings.Contains(r.Output(), noise) {
					t.Errorf("output has %q:\n%s", noise, r.Output())
				}
			}
		})
	}
}

// TestNewerGo: code that needs a newer Go than goroguard was built with gets one line that names
// both versions and the fix, whatever the output format.
func TestNewerGo(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	for _, args := range [][]string{{"./..."}, {"-json", "./..."}, {"-fix", "./..."}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			dir := writeModule(t, map[string]string{
				"go.mod":  "module example.com/newer\n\ngo 1.99\n",
				"p/p.go":  "package p\n\nimport \"example.com/newer/q\"\n\nfunc F() { q.G() }\n",
				"q/q.go":  "package q\n\nfunc G() {}\n",
				"q/q2.go": "package q\n\nfunc H() {}\n",
			})
			// GOTOOLCHAIN=local: the go command must not download Go 1.99 (it does not exist).
			r := e2e.Run(t, dir, []string{"GOTOOLCHAIN=local"}, bin, args...)
			if r.Code != 1 {
				t.Errorf("exit %d, want 1", r.Code)
			}
			out := strings.TrimSpace(r.Output())
			if strings.Count(out, "\n") != 0 {
				t.Errorf("want one line, got:\n%s", out)
			}
			for _, s := range []string{"go1.99", runtime.Version(), "GOTOOLCHAIN=go1.99.0 go install github.com/goroguard/goroguard/cmd/goroguard@"} {
				if !strings.Contains(out, s) {
					t.Errorf("the line does not say %q:\n%s", s, out)
				}
			}
		})
	}
}

// TestTestFlag: -test (default true) analyses test files, -test=false does not; both under go vet's
// protocol, which always vets the test variants.
func TestTestFlag(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	files := map[string]string{}
	for name, text := range brokenModule {
		if !strings.HasPrefix(name, "tagged/") && !strings.HasPrefix(name, "app/") && !strings.HasPrefix(name, "top/") {
			files[name] = text
		}
	}
	for _, tc := range []struct {
		flag     string
		withTest bool
	}{{"-test", true}, {"-test=false", false}} {
		t.Run(tc.flag, func(t *testing.T) {
			t.Parallel()
			dir := writeModule(t, files)
			want := e2e.ReadMarkers(t, dir).Want
			if !tc.withTest {
				for k := range want {
					if strings.HasSuffix(k.File, "_test.go") {
						delete(want, k)
					}
				}
			}
			r := e2e.Run(t, dir, nil, bin, "-json", "-ctxdone.include-tests", tc.flag, "./...")
			if r.Code != 0 {
				t.Fatalf("exit %d\n%s", r.Code, r.Output())
			}
			e2e.Compare(t, "goroguard "+tc.flag, want, jsonFindings(t, tc.flag, dir, r.Stdout))
		})
	}
}

// sarifSchema returns the SARIF 2.1.0 JSON schema, from the Go module proxy: gosec's module
// ships the OASIS schema file as test data (the test does not commit a copy).
func sarifSchema(t *testing.T) []byte {
	t.Helper()
	const mod = "github.com/securego/gosec/v2@v2.29.0"
	r := e2e.Run(t, t.TempDir(), nil, "go", "mod", "download", "-json", mod)
	var info struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(r.Stdout), &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %v %s\n%s", mod, err, info.Error, r.Output())
	}
	data, err := os.ReadFile(filepath.Join(info.Dir, "report", "sarif", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sarifLog is the part of the SARIF log the test reads.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string
				Rules []struct {
					ID               string `json:"id"`
					ShortDescription struct{ Text string }
					Help             struct{ Text string }
					HelpURI          string `json:"helpUri"`
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Message struct{ Text string }
			} `json:"toolExecutionNotifications"`
		}
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					}
					Region struct{ StartLine, StartColumn int }
				}
			}
			RelatedLocations []struct {
				Message struct{ Text string }
			}
			Fixes []struct {
				ArtifactChanges []struct {
					Replacements []struct {
						DeletedRegion   struct{ ByteOffset *int }
						InsertedContent struct{ Text string }
					}
				}
			}
		}
	}
}

// TestSARIF: -sarif and -format sarif write SARIF 2.1.0 that the OASIS schema accepts, with one
// rule per analyzer (summary, manual, URL), the findings of the markers, related locations and
// the suggested fixes.
func TestSARIF(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sarifSchema(t)))
	if err != nil {
		t.Fatal(err)
	}
	const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, flag := range [][]string{{"-sarif"}, {"-format", "sarif"}} {
		t.Run(strings.Join(flag, " "), func(t *testing.T) {
			t.Parallel()
			dir := e2e.CopyModule(t)
			r := e2e.Run(t, dir, nil, bin, append(flag, "./...")...)
			if r.Code != 0 {
				t.Fatalf("exit %d, want 0\n%s", r.Code, r.Stderr)
			}
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(r.Stdout))
			if err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.Stdout)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("the output does not validate against the SARIF 2.1.0 schema: %v", err)
			}
			var log sarifLog
			if err := json.Unmarshal([]byte(r.Stdout), &log); err != nil {
				t.Fatal(err)
			}
			if log.Version != "2.1.0" || len(log.Runs) != 1 {
				t.Fatalf("version %q, %d runs; want 2.1.0, 1", log.Version, len(log.Runs))
			}
			run := log.Runs[0]
			var ids []string
			for _, rule := range run.Tool.Driver.Rules {
				ids = append(ids, rule.ID)
				if rule.ShortDescription.Text == "" || !strings.Contains(rule.Help.Text, "goroguard help "+rule.ID) || !strings.Contains(rule.HelpURI, "/analyzers/"+rule.ID) {
					t.Errorf("rule %s: summary %q, help %q, helpUri %q", rule.ID, rule.ShortDescription.Text, rule.Help.Text, rule.HelpURI)
				}
			}
			if !slices.Equal(ids, analyzers.Names()) {
				t.Errorf("rules %v, want one per analyzer %v", ids, analyzers.Names())
			}
			var got []e2e.Finding
			related, fixes := 0, map[string]int{}
			for _, res := range run.Results {
				if res.RuleIndex < 0 || res.RuleIndex >= len(ids) || ids[res.RuleIndex] != res.RuleID {
					t.Errorf("result %s has ruleIndex %d", res.RuleID, res.RuleIndex)
				}
				loc := res.Locations[0].PhysicalLocation
				if loc.ArtifactLocation.URIBaseID != "SRCROOT" {
					t.Errorf("location %s is not relative to SRCROOT", loc.ArtifactLocation.URI)
				}
				got = append(got, e2e.Finding{Key: e2e.Key{File: loc.ArtifactLocation.URI, Line: loc.Region.StartLine, Analyzer: res.RuleID}, Message: res.Message.Text})
				related += len(res.RelatedLocations)
				for _, f := range res.Fixes {
					for _, ch := range f.ArtifactChanges {
						for _, rep := range ch.Replacements {
							if rep.DeletedRegion.ByteOffset != nil {
								fixes[res.RuleID]++
							}
						}
					}
				}
			}
			e2e.Compare(t, "goroguard -sarif", e2e.ReadMarkers(t, dir).Want, got)
			if related == 0 {
				t.Errorf("no result has related locations")
			}
			for name := range fixPatterns {
				if fixes[name] == 0 {
					t.Errorf("no %s result carries its suggested fix", name)
				}
			}
		})
	}
}

// TestFactsSmall runs the analyzers over the standard library under go vet and checks that every
// package's encoded facts (the facts section of its .vetx file) stay under 64 KiB. A wrapper vet
// tool copies each package's vetx file; its -V=full answer is salted, so go vet's cache cannot
// skip the runs. Skipped with -short: it vets all of std (about a minute on 2 cores).
func TestFactsSmall(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: vets the whole standard library")
	}
	const limit = 64 << 10
	bin := e2e.Goroguard(t)
	out := t.TempDir()
	wrapper := filepath.Join(t.TempDir(), "vetx-wrapper")
	script := `#!/bin/sh
for a in "$@"; do
	case "$a" in
	-V=full) "$GOROGUARD_BIN" -V=full | sed "s/buildID=.*/buildID=$GOROGUARD_SALT/"; exit 0 ;;
	esac
done
"$GOROGUARD_BIN" "$@"
rc=$?
for a in "$@"; do
	case "$a" in
	*.cfg)
		vetx=$(sed -n 's/^[[:space:]]*"VetxOutput":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p' "$a")
		if [ -n "$vetx" ] && [ -f "$vetx" ]; then
			n=$$.$(date +%s%N)
			cp "$a" "$GOROGUARD_OUT/$n.cfg" && cp "$vetx" "$GOROGUARD_OUT/$n.vetx"
		fi ;;
	esac
done
exit $rc
`
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOROGUARD_BIN=" + bin, "GOROGUARD_OUT=" + out, fmt.Sprintf("GOROGUARD_SALT=%d", os.Getpid())}
	r := e2e.Run(t, t.TempDir(), env, "go", "vet", "-vettool="+wrapper, "std")
	if strings.Contains(r.Output(), "internal error") || strings.Contains(r.Output(), "panic") {
		t.Errorf("go vet std: analyzer failure:\n%s", r.Output())
	}
	cfgs, _ := filepath.Glob(filepath.Join(out, "*.cfg"))
	if len(cfgs) < 100 {
		t.Fatalf("only %d packages' vetx files seen: the wrapper did not work\n%s", len(cfgs), r.Output())
	}
	largest, largestPkg := 0, ""
	for _, cfgFile := range cfgs {
		var cfg struct{ ImportPath string }
		data, err := os.ReadFile(cfgFile)
		if err != nil || json.Unmarshal(data, &cfg) != nil {
			t.Fatalf("reading %s: %v", cfgFile, err)
		}
		vetx, err := os.ReadFile(strings.TrimSuffix(cfgFile, ".cfg") + ".vetx")
		if err != nil || len(vetx) < 12 || string(vetx[:4]) != "vetx" {
			t.Fatalf("%s: not a vetx file (%v)", cfg.ImportPath, err)
		}
		facts := int(binary.LittleEndian.Uint32(vetx[8:12]))
		if facts > largest {
			largest, largestPkg = facts, cfg.ImportPath
		}
		if facts >= limit {
			t.Errorf("%s: %d bytes of facts, want < %d", cfg.ImportPath, facts, limit)
		}
	}
	t.Logf("%d packages of std; largest facts: %s, %d bytes", len(cfgs), largestPkg, largest)
}

// TestContextLines: -c N prints the finding's lines with N lines of context, numbered.
func TestContextLines(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	for _, tc := range []struct {
		n    string
		want []string // lines that must appear
	}{
		{"0", []string{"3\t\tgo func() { // e2e:want ctxdone", "5\t\t}()"}},
		{"1", []string{"2\t\tch := make(chan int)", "6\t\tselect {"}},
	} {
		t.Run("c="+tc.n, func(t *testing.T) {
			t.Parallel()
			// The leak's text starts on line 1, after the package clause and the import.
			dir := writeModule(t, map[string]string{
				"go.mod":         "module example.com/ctx\n\ngo 1.26\n",
				"other/other.go": "package other; import \"context\"; " + fmt.Sprintf(leak, "", "1"),
			})
			r := e2e.Run(t, dir, nil, bin, "-c", tc.n, "./...")
			if r.Code != 3 {
				t.Fatalf("exit %d, want 3\n%s", r.Code, r.Output())
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("-c %s: output lacks %q:\n%s", tc.n, w, r.Stderr)
				}
			}
		})
	}
}
