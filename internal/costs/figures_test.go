package costs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/costs/bench"
)

const (
	benchDir = "bench"
	docPath  = "../../docs/costs.md"
)

// benchmarks parses the benchmark package's test files and returns, for each Benchmark function,
// the string literals in its body (the literal sub-benchmark names among them).
func benchmarks(t *testing.T) map[string]map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(benchDir, "*_test.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s: %v", benchDir, err)
	}
	fns := map[string]map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Benchmark") {
				continue
			}
			lits := map[string]bool{}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
					if s, err := strconv.Unquote(bl.Value); err == nil {
						lits[s] = true
					}
				}
				return true
			})
			fns[fd.Name.Name] = lits
		}
	}
	return fns
}

// benchmarkExists reports whether name ("BenchmarkX" or "BenchmarkX/sub") is a benchmark of the
// bench package: a function in its source and, for a sub-benchmark, a string literal in that
// function's body or a suite item run by it.
func benchmarkExists(fns map[string]map[string]bool, name string) bool {
	fn, sub, hasSub := strings.Cut(name, "/")
	lits, ok := fns[fn]
	if !ok {
		return false
	}
	if !hasSub || lits[sub] {
		return true
	}
	for _, z := range []bench.Sizes{bench.Full, bench.Large} {
		for _, it := range bench.Items(z) {
			if it.Bench == name {
				return true
			}
		}
	}
	return false
}

// TestFiguresMatchBenchmarksAndDocs fails when the figures, the benchmark names and the table in
// docs/costs.md drift apart.
func TestFiguresMatchBenchmarksAndDocs(t *testing.T) {
	fns := benchmarks(t)
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	var tableRows []string
	for line := range strings.Lines(doc) {
		if strings.HasPrefix(line, "|") {
			tableRows = append(tableRows, line)
		}
	}
	inRow := func(key string) string {
		for _, row := range tableRows {
			if strings.Contains(row, "`"+key+"`") {
				return row
			}
		}
		return ""
	}

	keys := map[string]bool{}
	for _, f := range costs.All() {
		if keys[f.Key] {
			t.Errorf("figure key %s appears twice in All()", f.Key)
		}
		keys[f.Key] = true
		if len(f.Benchmarks) == 0 {
			t.Errorf("%s: no benchmarks back this figure", f.Key)
		}
		for _, b := range f.Benchmarks {
			if !benchmarkExists(fns, b) {
				t.Errorf("%s: benchmark %s does not exist in %s", f.Key, b, benchDir)
			}
			if !strings.Contains(doc, b) {
				t.Errorf("%s: benchmark %s is not in %s", f.Key, b, docPath)
			}
		}
		row := inRow(f.Key)
		if row == "" {
			t.Errorf("%s: no row for `%s` in the tables of %s", f.Key, f.Key, docPath)
		} else if !strings.Contains(row, f.Summary) {
			t.Errorf("%s: the documented row does not quote the Summary %q:\n%s", f.Key, f.Summary, row)
		}
		_, anchor, ok := strings.Cut(f.URL, "#")
		if !ok || !regexp.MustCompile(`(?m)^#+ `+regexp.QuoteMeta(anchor)+`\s*$|<a id="`+regexp.QuoteMeta(anchor)+`">`).MatchString(doc) {
			t.Errorf("%s: URL anchor #%s is not a heading or <a id> in %s", f.Key, anchor, docPath)
		}
		if n := len([]rune(f.Summary)); n > 120 {
			t.Errorf("%s: Summary is %d characters, keep it under 120: %q", f.Key, n, f.Summary)
		}
		if r := []rune(f.Summary); len(r) == 0 || unicode.IsUpper(r[0]) || strings.HasSuffix(f.Summary, ".") {
			t.Errorf("%s: Summary must be a lowercase phrase with no final period: %q", f.Key, f.Summary)
		}
	}

	// Every benchmark the document names exists, and every benchmark function is documented.
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`Benchmark[A-Z][A-Za-z]*(/[A-Za-z0-9=._-]+)?`).FindAllString(doc, -1) {
		if named[m] {
			continue
		}
		named[m] = true
		if !benchmarkExists(fns, m) {
			t.Errorf("%s names %s, which is not a benchmark of %s", docPath, m, benchDir)
		}
	}
	for fn := range fns {
		if !strings.Contains(doc, fn) {
			t.Errorf("benchmark %s is not documented in %s", fn, docPath)
		}
	}
	// Every suite item's key is a figure or a documented claim.
	for _, it := range bench.Items(bench.Full) {
		if !keys[it.Key] && inRow(it.Key) == "" {
			t.Errorf("suite item %s has key %s, which is neither a figure nor in the tables of %s", it.Bench, it.Key, docPath)
		}
	}
}
