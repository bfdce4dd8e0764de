package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/e2e"
)

func TestMain(m *testing.M) { e2e.Main(m) }

var (
	goplsOnce sync.Once
	goplsBin  string
	goplsErr  error
)

// gopls builds gopls with goroguard's analyzers once per test process, exactly as users do.
func gopls(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds gopls (about a minute cold); skipped with -short")
	}
	goplsOnce.Do(func() {
		goplsBin = filepath.Join(e2e.WorkDir(t), "gopls")
		goplsErr = Build(goplsBin, io.Discard)
	})
	if goplsErr != nil {
		t.Fatalf("building gopls with goroguard: %v", goplsErr)
	}
	return goplsBin
}

// checkRE matches `gopls check` output: "file:line[:col[-endline:endcol|-endcol]]: message".
var checkRE = regexp.MustCompile(`^(\S+\.go):(\d+)(?::\d+(?:-\d+(?::\d+)?)?)?: (.*)$`)

// parseCheck keeps goroguard's own findings: gopls prints its own analyzers' findings too, with no
// analyzer name, so goroguard's are told by what every one of its messages carries (a measured cost
// figure, or the directive it is about). Related information ("- ...") is skipped.
func parseCheck(dir, out string) []e2e.Finding {
	var fs []e2e.Finding
	for _, line := range strings.Split(out, "\n") {
		m := checkRE.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(m[3], "- ") || !isGoroguard(m[3]) {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		rel, err := filepath.Rel(dir, m[1])
		if err != nil {
			rel = m[1]
		}
		fs = append(fs, e2e.Finding{Key: e2e.Key{File: filepath.ToSlash(rel), Line: n}, Message: m[3]})
	}
	return fs
}

func isGoroguard(msg string) bool {
	if strings.HasPrefix(msg, "//goroguard:ignore") {
		return true
	}
	for _, f := range costs.All() {
		if strings.HasSuffix(msg, "("+f.Summary+")") {
			return true
		}
	}
	return false
}

// TestGoplsCheck: gopls built with the analyzers reports every analyzer's findings on the e2e
// module, at the marked lines (gopls check prints no analyzer names, so lines are compared).
func TestGoplsCheck(t *testing.T) {
	t.Parallel()
	bin := gopls(t)
	dir := e2e.CopyModule(t)
	want := e2e.ReadMarkers(t, dir).Want
	e2e.CheckCoverage(t, want)
	var files []string
	for k := range want {
		files = append(files, filepath.Join(dir, filepath.FromSlash(k.File)))
	}
	files = uniq(files)
	r := e2e.Run(t, dir, nil, bin, append([]string{"check"}, files...)...)
	if r.Code != 0 {
		t.Fatalf("gopls check: exit %d\n%s", r.Code, r.Output())
	}
	e2e.CompareLines(t, "gopls check", want, parseCheck(dir, r.Output()))
}

// TestGoplsQuickFix: the premature-return leak's suggested fix is offered as a quick fix and
// applies the buffer.
func TestGoplsQuickFix(t *testing.T) {
	t.Parallel()
	bin := gopls(t)
	dir := e2e.CopyModule(t)
	k, ok := e2e.FirstMarked(e2e.ReadMarkers(t, dir).Want, "ctxdone")
	if !ok {
		t.Fatal("no ctxdone marker in testdata/e2e/ctxdone")
	}
	file := filepath.Join(dir, filepath.FromSlash(k.File))
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The finding spans the go statement; gopls offers the fixes of diagnostics that contain the
	// requested range, so ask over the "go" keyword of the marked line.
	line := strings.Split(string(data), "\n")[k.Line-1]
	col := strings.Index(line, "go ") + 1
	if col == 0 {
		t.Fatalf("%s: the marked line has no go statement: %q", k, line)
	}
	loc := fmt.Sprintf("%s:%d:%d-%d:%d", file, k.Line, col, k.Line, col+2)
	r := e2e.Run(t, dir, nil, bin, "codeaction", "-kind=quickfix", "-exec", "-diff", loc)
	if !regexp.MustCompile(`(?m)^\+.*make\(chan \w+, 1\)`).MatchString(r.Stdout) {
		t.Errorf("gopls offers no buffering quick fix at %s (exit %d):\n%s", loc, r.Code, r.Output())
	}
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
