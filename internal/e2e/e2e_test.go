package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeT records failures instead of failing, so the harness's own checks can be tested.
type fakeT struct {
	testing.TB
	errors []string
}

func (f *fakeT) Helper()                           {}
func (f *fakeT) Errorf(format string, args ...any) { f.errors = append(f.errors, format) }

func TestReadMarkers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `package p

func f() {
	go g() // e2e:want spawnloop
	go g() // e2e:want hotcgo spawnloop
	// e2e:want+1 ctxdone
	//goroguard:ignore ctxdone
	go g() // e2e:want-option spawnloop
	go g() // e2e:want spawnloop (a note after the names)
}
`
	if err := os.MkdirAll(filepath.Join(dir, "p"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p", "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m := ReadMarkers(t, dir)
	want := Want{
		{"p/p.go", 4, "spawnloop"}: 1,
		{"p/p.go", 5, "hotcgo"}:    1,
		{"p/p.go", 5, "spawnloop"}: 1,
		{"p/p.go", 7, "ctxdone"}:   1,
		{"p/p.go", 9, "spawnloop"}: 1,
	}
	if len(m.Want) != len(want) {
		t.Errorf("Want = %v, want %v", m.Want, want)
	}
	for k, n := range want {
		if m.Want[k] != n {
			t.Errorf("Want[%s] = %d, want %d", k, m.Want[k], n)
		}
	}
	if len(m.Option) != 1 || m.Option[Key{"p/p.go", 8, "spawnloop"}] != 1 {
		t.Errorf("Option = %v", m.Option)
	}

	if err := os.WriteFile(filepath.Join(dir, "p", "p.go"), []byte("package p // e2e:want spawnlop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readMarkers(dir); err == nil || !strings.Contains(err.Error(), "spawnlop") {
		t.Errorf("a marker naming no analyzer: error %v", err)
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	want := Want{{"a.go", 3, "ctxdone"}: 2, {"a.go", 4, "hotcgo"}: 1}
	f := func(line int, name string) Finding { return Finding{Key: Key{"a.go", line, name}} }

	ft := &fakeT{}
	Compare(ft, "exact", want, []Finding{f(3, "ctxdone"), f(4, "hotcgo"), f(3, "ctxdone")})
	if len(ft.errors) != 0 {
		t.Errorf("equal multisets reported a difference")
	}
	for name, got := range map[string][]Finding{
		"one missing":     {f(3, "ctxdone"), f(4, "hotcgo")},
		"wrong analyzer":  {f(3, "ctxdone"), f(3, "ctxdone"), f(4, "spawnloop")},
		"one unexpected":  {f(3, "ctxdone"), f(3, "ctxdone"), f(4, "hotcgo"), f(5, "hotcgo")},
		"one too many":    {f(3, "ctxdone"), f(3, "ctxdone"), f(3, "ctxdone"), f(4, "hotcgo")},
		"nothing at all:": nil,
	} {
		ft := &fakeT{}
		Compare(ft, name, want, got)
		if len(ft.errors) == 0 {
			t.Errorf("%s: no difference reported", name)
		}
	}
	ft = &fakeT{}
	CompareLines(ft, "lines", want, []Finding{f(3, ""), f(3, ""), f(4, "")})
	if len(ft.errors) != 0 {
		t.Errorf("CompareLines ignores the analyzer, but reported a difference")
	}
}

func TestParseText(t *testing.T) {
	t.Parallel()
	out := `# example.com/e2e/p
p/p.go:4:2: goroutine leaks
/mod/p/p.go:5:3: 	the loop: range over parameter items
/mod/p/q.go:7:1: another finding
vet: some error
`
	got := ParseText("/mod", out)
	if len(got) != 2 || got[0].Key != (Key{"p/p.go", 4, ""}) || got[1].Key != (Key{"p/q.go", 7, ""}) || got[1].Col != 1 {
		t.Errorf("ParseText = %+v", got)
	}
}

// TestParseTextAnalyzer: the standalone command's "message [analyzer]" names the analyzer, and
// related information belongs to the finding above it.
func TestParseTextAnalyzer(t *testing.T) {
	t.Parallel()
	out := `p/p.go:4:2: goroutine leaks [ctxdone]
/mod/p/p.go:5:3: 	the spawner leaves here
p/q.go:7:1: a note [not-an-analyzer]
goroguard: package example.com/e2e/b does not type-check
`
	got, rel := ParseText("/mod", out), ParseRelated("/mod", out)
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"two findings", len(got) == 2},
		{"analyzer named", len(got) > 0 && got[0].Key == (Key{"p/p.go", 4, "ctxdone"}) && got[0].Message == "goroutine leaks"},
		{"unknown name kept in the message", len(got) > 1 && got[1].Analyzer == "" && got[1].Message == "a note [not-an-analyzer]"},
		{"related with its finding's analyzer", len(rel) == 1 && rel[0].Key == (Key{"p/p.go", 5, "ctxdone"}) && rel[0].Message == "the spawner leaves here"},
	} {
		if !tc.ok {
			t.Errorf("%s: ParseText = %+v, ParseRelated = %+v", tc.name, got, rel)
		}
	}
}

func TestParseJSON(t *testing.T) {
	t.Parallel()
	out := `# example.com/e2e/p
{}
{
	"example.com/e2e/p": {
		"ctxdone": [
			{"posn": "/mod/p/p.go:4:2", "message": "leak", "suggested_fixes": [{"message": "buffer", "edits": [{"filename": "/mod/p/p.go", "start": 1, "end": 1, "new": ", 1"}]}]}
		],
		"hotcgo": {"error": "internal error"}
	}
}
`
	got, errs, err := ParseJSON("/mod", out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != (Key{"p/p.go", 4, "ctxdone"}) || got[0].Fixes[0].Edits[0].Filename != "p/p.go" {
		t.Errorf("ParseJSON = %+v", got)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "hotcgo: internal error") {
		t.Errorf("errors = %v", errs)
	}
}

func TestParseGolangciJSON(t *testing.T) {
	t.Parallel()
	data := `{"Issues": [
		{"FromLinter": "goroguard", "Text": "spawnloop: one goroutine per item", "Pos": {"Filename": "p/p.go", "Line": 4, "Column": 2}},
		{"FromLinter": "goroguard", "Text": "spawnloop(related information): the loop", "Pos": {"Filename": "p/p.go", "Line": 3, "Column": 2}},
		{"FromLinter": "govet", "Text": "printf: bad", "Pos": {"Filename": "p/p.go", "Line": 9, "Column": 2}}
	]}`
	fs, related, err := ParseGolangciJSON("/mod", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Key != (Key{"p/p.go", 4, "spawnloop"}) || fs[0].Message != "one goroutine per item" || fs[1].Analyzer != "linter govet" {
		t.Errorf("findings = %+v", fs)
	}
	if len(related) != 1 || related[0].Key != (Key{"p/p.go", 3, "spawnloop"}) {
		t.Errorf("related = %+v", related)
	}
}

func TestExampleSettings(t *testing.T) {
	t.Parallel()
	s, err := ExampleSettings("  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  disable: []\n", "  ctxdone:", "  asyncwrite:", "  spawnloop:", "  hotcgo:"} {
		if !strings.Contains(s, want) {
			t.Errorf("ExampleSettings lacks %q:\n%s", want, s)
		}
	}
}
