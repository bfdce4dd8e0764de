package main_test

// End-to-end tests of the goroguard binary standalone, on a copy of the test module
// testdata/e2e whose markers (// e2e:want <analyzer>) say which findings each line must get.

import (
	"flag"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/analyzers"
	"github.com/goroguard/goroguard/internal/e2e"
)

func TestMain(m *testing.M) { e2e.Main(m) }

// acceptLoopsFlag is the spawnloop option the e2e module's package options is written for.
const acceptLoopsFlag = "spawnloop.report-accept-loops"

// standalone runs the goroguard binary in a fresh copy of the test module.
func standalone(t *testing.T, args ...string) (dir string, r e2e.Result) {
	t.Helper()
	bin := e2e.Goroguard(t)
	dir = e2e.CopyModule(t)
	return dir, e2e.Run(t, dir, nil, bin, args...)
}

// jsonFindings parses -json output and fails on analyzer errors.
func jsonFindings(t *testing.T, label, dir, out string) []e2e.Finding {
	t.Helper()
	fs, errs, err := e2e.ParseJSON(dir, out)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	e2e.NoErrors(t, label, errs)
	return fs
}

func TestStandaloneText(t *testing.T) {
	t.Parallel()
	dir, r := standalone(t, "./...")
	want := e2e.ReadMarkers(t, dir).Want
	wantCode := 0
	if len(want) > 0 {
		wantCode = 3 // the go/analysis drivers' "found diagnostics"
	}
	if r.Code != wantCode {
		t.Fatalf("goroguard ./...: exit %d, want %d\n%s", r.Code, wantCode, r.Output())
	}
	// Every finding names its analyzer ("file:line:col: message [analyzer]"): compare exactly.
	got := e2e.ParseText(dir, r.Output())
	e2e.Compare(t, "goroguard ./...", want, got)
	e2e.CheckCoverage(t, want)
	// The related information is printed below its finding.
	if len(e2e.ParseRelated(dir, r.Output())) == 0 {
		t.Errorf("goroguard ./... printed no related information (\tmessage lines):\n%s", r.Output())
	}
}

func TestStandaloneJSON(t *testing.T) {
	t.Parallel()
	dir, r := standalone(t, "-json", "./...")
	if r.Code != 0 {
		t.Fatalf("goroguard -json ./...: exit %d, want 0\n%s", r.Code, r.Output())
	}
	want := e2e.ReadMarkers(t, dir).Want
	e2e.Compare(t, "goroguard -json ./...", want, jsonFindings(t, "goroguard -json", dir, r.Stdout))
	e2e.CheckCoverage(t, want)
}

// TestStandaloneSwitches: -<analyzer>=false drops that analyzer's findings, -<analyzer> runs only
// that analyzer.
func TestStandaloneSwitches(t *testing.T) {
	t.Parallel()
	for _, name := range analyzers.Names() {
		t.Run(name+"=false", func(t *testing.T) {
			t.Parallel()
			dir, r := standalone(t, "-json", "-"+name+"=false", "./...")
			if r.Code != 0 {
				t.Fatalf("exit %d\n%s", r.Code, r.Output())
			}
			want := e2e.ReadMarkers(t, dir).Want.Without(name)
			e2e.Compare(t, "goroguard -"+name+"=false", want, jsonFindings(t, name, dir, r.Stdout))
		})
	}
	t.Run("only spawnloop", func(t *testing.T) {
		t.Parallel()
		dir, r := standalone(t, "-json", "-spawnloop", "./...")
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Output())
		}
		var others []string
		for _, n := range analyzers.Names() {
			if n != "spawnloop" {
				others = append(others, n)
			}
		}
		want := e2e.ReadMarkers(t, dir).Want.Without(others...)
		e2e.Compare(t, "goroguard -spawnloop", want, jsonFindings(t, "spawnloop", dir, r.Stdout))
	})
}

// TestStandaloneOption: an analyzer flag changes the result (package options of the test module).
func TestStandaloneOption(t *testing.T) {
	t.Parallel()
	requireFlag(t, acceptLoopsFlag)
	dir, r := standalone(t, "-json", "-"+acceptLoopsFlag, "./...")
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Output())
	}
	m := e2e.ReadMarkers(t, dir)
	if len(m.Option) == 0 {
		t.Fatal("testdata/e2e has no `// e2e:want-option spawnloop` marker")
	}
	e2e.Compare(t, "goroguard -"+acceptLoopsFlag, m.Want.Plus(m.Option), jsonFindings(t, "option", dir, r.Stdout))
}

// requireFlag fails the test unless the analyzer flag analyzer.name exists.
func requireFlag(t *testing.T, flag string) {
	t.Helper()
	name, opt, _ := strings.Cut(flag, ".")
	for _, a := range analyzers.All() {
		if a.Name == name && a.Flags.Lookup(opt) != nil {
			return
		}
	}
	t.Fatalf("analyzer flag -%s does not exist (yet): the e2e option test needs it", flag)
}

// TestStandaloneFixDiff: -fix -diff prints every suggested fix as a patch and leaves the files
// alone; ctxdone and asyncwrite must offer fixes in the test module.
func TestStandaloneFixDiff(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	dir := e2e.CopyModule(t)
	fixes := suggestedFixes(t, bin, dir)
	before := snapshot(t, dir)
	r := e2e.Run(t, dir, nil, bin, "-fix", "-diff", "./...")
	if r.Code != 0 {
		t.Errorf("goroguard -fix -diff: exit %d, want 0\n%s", r.Code, r.Output())
	}
	if !strings.Contains(r.Stdout, "--- ") || !strings.Contains(r.Stdout, "+++ ") {
		t.Errorf("goroguard -fix -diff printed no patch:\n%s", r.Output())
	}
	added := addedLines(r.Stdout)
	for name, re := range fixPatterns {
		if !slices.ContainsFunc(added, re.MatchString) {
			t.Errorf("the patch adds no line matching %s (%s's fix)", re, name)
		}
	}
	for _, f := range fixes {
		for _, e := range f.fix.Edits {
			for _, l := range strings.Split(strings.TrimSpace(e.New), "\n") {
				if l = strings.TrimSpace(l); l != "" && !slices.ContainsFunc(added, func(a string) bool { return strings.Contains(a, l) }) {
					t.Errorf("the patch lacks the added text %q of %s's fix %q at %s", l, f.Analyzer, f.fix.Message, f.Key)
				}
			}
		}
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("goroguard -fix -diff changed files")
	}
}

func addedLines(patch string) []string {
	var out []string
	for _, l := range strings.Split(patch, "\n") {
		if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
			out = append(out, l[1:])
		}
	}
	return out
}

// TestHelp: `goroguard help <analyzer>` prints each analyzer's manual and its flags.
func TestHelp(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	for _, a := range analyzers.All() {
		t.Run(a.Name, func(t *testing.T) {
			t.Parallel()
			r := e2e.Run(t, t.TempDir(), nil, bin, "help", a.Name)
			if r.Code != 0 {
				t.Fatalf("goroguard help %s: exit %d\n%s", a.Name, r.Code, r.Output())
			}
			out := r.Output()
			summary, _, _ := strings.Cut(a.Doc, "\n")
			if !strings.Contains(out, a.Name+": "+summary) {
				t.Errorf("goroguard help %s does not start the manual with %q:\n%s", a.Name, a.Name+": "+summary, out)
			}
			if len(a.Doc) > len(summary) && !strings.Contains(out, strings.TrimSpace(a.Doc[len(summary):])[:min(40, len(strings.TrimSpace(a.Doc[len(summary):])))]) {
				t.Errorf("goroguard help %s does not print the whole manual:\n%s", a.Name, out)
			}
			a.Flags.VisitAll(func(f *flag.Flag) {
				if !regexp.MustCompile(`-` + regexp.QuoteMeta(a.Name+"."+f.Name) + `\b`).MatchString(out) {
					t.Errorf("goroguard help %s does not list flag -%s.%s:\n%s", a.Name, a.Name, f.Name, out)
				}
			})
		})
	}
	t.Run("overview", func(t *testing.T) {
		t.Parallel()
		r := e2e.Run(t, t.TempDir(), nil, bin, "help")
		for _, n := range analyzers.Names() {
			if !strings.Contains(r.Output(), n) {
				t.Errorf("goroguard help does not list %s:\n%s", n, r.Output())
			}
		}
	})
}

// TestIgnoreDirective suppresses one finding of every analyzer with //goroguard:ignore, on the
// line above for the first finding of the analyzer's e2e package and on the finding's line for
// the second, under the standalone binary and under go vet. (Package suppress of the test module
// covers the directive's other cases: another analyzer's directive, a directive without reason.)
func TestIgnoreDirective(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	dir := e2e.CopyModule(t)
	orig := e2e.ReadMarkers(t, dir).Want
	suppressed := 0
	for _, name := range analyzers.Names() {
		// Edit from the bottom up, so the line numbers of the markers still to edit stay valid.
		var keys []e2e.Key
		for _, k := range orig.Keys() {
			if k.Analyzer == name && strings.HasPrefix(k.File, name+"/") && orig[k] == 1 {
				keys = append(keys, k)
			}
		}
		if len(keys) > 2 {
			keys = keys[:2]
		}
		for i := len(keys) - 1; i >= 0; i-- {
			k := keys[i]
			directive := "//goroguard:ignore " + name + " the e2e test suppresses this finding"
			e2e.EditLine(t, dir, k, func(line string) string {
				if !strings.Contains(line, "e2e:want "+name) || strings.Count(e2e.StripMarker(line)+" ", "//") > 0 {
					return line // not a lone marker on a code line: leave it
				}
				marker := line[len(e2e.StripMarker(line)):]
				if strings.Fields(marker)[len(strings.Fields(marker))-1] != name || len(strings.Fields(marker)) != 3 {
					return line // the marker names other findings too
				}
				suppressed++
				if i == 0 {
					return e2e.Indent(line) + directive + "\n" + e2e.StripMarker(line)
				}
				return e2e.StripMarker(line) + " " + directive
			})
		}
	}
	if suppressed == 0 {
		t.Fatal("no finding to suppress: the analyzers' e2e packages have no markers yet")
	}
	want := e2e.ReadMarkers(t, dir).Want
	r := e2e.Run(t, dir, nil, bin, "-json", "./...")
	e2e.Compare(t, "goroguard -json with //goroguard:ignore directives", want, jsonFindings(t, "directives", dir, r.Stdout))
	r = e2e.Run(t, dir, nil, "go", "vet", "-vettool="+bin, "-json", "./...")
	e2e.Compare(t, "go vet -json with //goroguard:ignore directives", want, jsonFindings(t, "directives", dir, r.Output()))
}
