package main_test

// End-to-end tests of the goroguard binary as go vet's -vettool and go fix's -fixtool.

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/e2e"
)

// vet runs go vet -vettool=goroguard with args in a fresh copy of the test module.
func vet(t *testing.T, args ...string) (dir string, r e2e.Result) {
	t.Helper()
	bin := e2e.Goroguard(t)
	dir = e2e.CopyModule(t)
	return dir, e2e.Run(t, dir, nil, "go", append(append([]string{"vet", "-vettool=" + bin}, args...), "./...")...)
}

func TestVetText(t *testing.T) {
	t.Parallel()
	dir, r := vet(t)
	want := e2e.ReadMarkers(t, dir).Want
	if len(want) > 0 && r.Code == 0 {
		t.Fatalf("go vet -vettool: exit 0 despite findings\n%s", r.Output())
	}
	if strings.Contains(r.Output(), "internal error") {
		t.Errorf("go vet -vettool: analyzer failure:\n%s", r.Output())
	}
	e2e.CompareLines(t, "go vet -vettool", want, e2e.ParseText(dir, r.Output()))
	e2e.CheckCoverage(t, want)
}

func TestVetJSON(t *testing.T) {
	t.Parallel()
	dir, r := vet(t, "-json")
	if r.Code != 0 {
		t.Fatalf("go vet -vettool -json: exit %d, want 0\n%s", r.Code, r.Output())
	}
	want := e2e.ReadMarkers(t, dir).Want
	e2e.Compare(t, "go vet -vettool -json", want, jsonFindings(t, "go vet -json", dir, r.Output()))
	e2e.CheckCoverage(t, want)
}

// TestVetFlags: go vet passes the analyzers' switches and options to the tool.
func TestVetFlags(t *testing.T) {
	t.Parallel()
	t.Run("spawnloop=false", func(t *testing.T) {
		t.Parallel()
		dir, r := vet(t, "-json", "-spawnloop=false")
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Output())
		}
		want := e2e.ReadMarkers(t, dir).Want.Without("spawnloop")
		e2e.Compare(t, "go vet -spawnloop=false -json", want, jsonFindings(t, "vet", dir, r.Output()))
	})
	t.Run("option", func(t *testing.T) {
		t.Parallel()
		requireFlag(t, acceptLoopsFlag)
		dir, r := vet(t, "-json", "-"+acceptLoopsFlag)
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Output())
		}
		m := e2e.ReadMarkers(t, dir)
		e2e.Compare(t, "go vet -"+acceptLoopsFlag+" -json", m.Want.Plus(m.Option), jsonFindings(t, "vet", dir, r.Output()))
	})
}

// TestFix: goroguard -fix applies the suggested fixes (every edit lands, the module still builds,
// no fixable finding is left), and go vet -fix and go fix -fixtool produce the same files.
func TestFix(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	ref := e2e.CopyModule(t)
	fixes := suggestedFixes(t, bin, ref)
	before := snapshot(t, ref)
	if r := e2e.Run(t, ref, nil, bin, "-fix", "./..."); r.Code != 0 {
		t.Fatalf("goroguard -fix: exit %d\n%s", r.Code, r.Output())
	}
	checkFixed(t, "goroguard -fix", ref, before, fixes)
	fixed := snapshot(t, ref)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"go vet -fix", []string{"vet", "-vettool=" + bin, "-fix", "./..."}},
		{"go fix -fixtool", []string{"fix", "-fixtool=" + bin, "./..."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := e2e.CopyModule(t)
			r := e2e.Run(t, dir, nil, "go", tc.args...)
			if r.Code != 0 {
				t.Fatalf("%s: exit %d\n%s", tc.name, r.Code, r.Output())
			}
			if got := snapshot(t, dir); !maps.Equal(got, fixed) {
				for name := range fixed {
					if got[name] != fixed[name] {
						t.Errorf("%s: %s differs from goroguard -fix's result:\n%s\nwant:\n%s", tc.name, name, got[name], fixed[name])
					}
				}
			}
		})
	}
	t.Run("go fix -diff", func(t *testing.T) {
		t.Parallel()
		dir := e2e.CopyModule(t)
		r := e2e.Run(t, dir, nil, "go", "fix", "-fixtool="+bin, "-diff", "./...")
		if len(fixes) > 0 && (r.Code == 0 || !strings.Contains(r.Stdout, "+++ ")) {
			t.Errorf("go fix -diff: exit %d, want a patch and a non-zero status\n%s", r.Code, r.Output())
		}
		if !maps.Equal(snapshot(t, dir), before) {
			t.Errorf("go fix -diff changed files")
		}
	})
}

// fixAt is one suggested fix with the finding that offers it.
type fixAt struct {
	e2e.Finding
	fix e2e.Fix
}

// fixPatterns says what the code looks like after the fixes that ctxdone and asyncwrite must
// offer in the test module.
var fixPatterns = map[string]*regexp.Regexp{
	"ctxdone":    regexp.MustCompile(`make\(chan [^,()]+, 1\)`),                    // make(chan T) → make(chan T, 1)
	"asyncwrite": regexp.MustCompile(`context\.WithoutCancel\(\w+\.Context\(\)\)`), // r.Context() → context.WithoutCancel(r.Context())
}

// suggestedFixes returns the suggested fixes of goroguard -json in dir, and checks that ctxdone
// and asyncwrite each offer some.
func suggestedFixes(t *testing.T, bin, dir string) []fixAt {
	t.Helper()
	r := e2e.Run(t, dir, nil, bin, "-json", "./...")
	if r.Code != 0 {
		t.Fatalf("goroguard -json: exit %d\n%s", r.Code, r.Output())
	}
	var out []fixAt
	offered := map[string]bool{}
	for _, f := range jsonFindings(t, "goroguard -json", dir, r.Stdout) {
		for _, fix := range f.Fixes {
			out = append(out, fixAt{f, fix})
			offered[f.Analyzer] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(fixPatterns)) {
		if !offered[name] {
			t.Errorf("no %s finding in testdata/e2e/%s offers a suggested fix", name, name)
		}
	}
	return out
}

// checkFixed checks a module after its fixes were applied: every edit's text is in its file, the
// module still builds, and no finding with a fix is left.
func checkFixed(t *testing.T, label, dir string, before map[string]string, fixes []fixAt) {
	t.Helper()
	after := snapshot(t, dir)
	for _, f := range fixes {
		for _, e := range f.fix.Edits {
			rel := e.Filename // relative to the module root (e2e.ParseJSON)
			if after[rel] == before[rel] {
				t.Errorf("%s: %s unchanged, want %s's fix %q applied", label, rel, f.Analyzer, f.fix.Message)
				continue
			}
			for _, l := range strings.Split(e.New, "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.Contains(after[rel], l) {
					t.Errorf("%s: %s lacks %q from %s's fix %q", label, rel, l, f.Analyzer, f.fix.Message)
				}
			}
		}
	}
	for name, re := range fixPatterns {
		grew := false
		for _, f := range fixes {
			if f.Analyzer != name {
				continue
			}
			for _, e := range f.fix.Edits {
				if len(re.FindAllString(after[e.Filename], -1)) > len(re.FindAllString(before[e.Filename], -1)) {
					grew = true
				}
			}
		}
		if !grew {
			t.Errorf("%s: no file edited by %s's fixes gained code matching %s", label, name, re)
		}
	}
	if r := e2e.Run(t, dir, nil, "go", "build", "./..."); r.Code != 0 {
		t.Errorf("%s: the fixed module does not build:\n%s", label, r.Output())
	}
	bin := e2e.Goroguard(t)
	r := e2e.Run(t, dir, nil, bin, "-json", "./...")
	for _, f := range jsonFindings(t, label+" then goroguard -json", dir, r.Stdout) {
		if len(f.Fixes) > 0 {
			t.Errorf("%s: %s still offers a fix after the fixes were applied: %s", label, f.Key, f.Message)
		}
	}
}

// snapshot returns the module's files by slash-separated relative path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
