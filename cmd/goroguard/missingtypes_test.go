package main_test

// Packages analysed despite a missing import: every expression built from the missing package's
// names has no type, and an analyzer that asks for one must not panic.

import (
	"bytes"
	"flag"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/analyzers"
	"github.com/goroguard/goroguard/internal/e2e"
)

// optInFlags turns on every boolean flag of every analyzer of the registry, so that the broad
// modes' code runs too; a flag added later is covered without editing this test.
func optInFlags() []string {
	var args []string
	for _, a := range analyzers.All() {
		a.Flags.VisitAll(func(f *flag.Flag) {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				args = append(args, "-"+a.Name+"."+f.Name+"=true")
			}
		})
	}
	return args
}

// TestMissingImports copies every analyzer's testdata packages into one module, once as they
// are and once per import path with that import made missing (`http "gone.example/net/http"`),
// and runs goroguard on it with every opt-in flag. The driver analyses a package whose import
// cannot be loaded as far as the missing types allow (fallback.go), so the analyzers see
// handlers whose parameters, calls whose functions and loops whose ranges have no type at all.
// None may fail: an internal error is a panic the guard turned into an error. The unchanged
// copies must still have findings of every analyzer, so the run is known to have analysed them.
func TestMissingImports(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	dir := writeModule(t, map[string]string{"go.mod": "module example.com/missing\n\ngo 1.26\n"})
	copies := copyTestdataMissing(t, dir)
	if copies < 40 {
		t.Fatalf("only %d package copies with a missing import: the testdata walk is broken", copies)
	}
	// GOPROXY=off: the go command gives up on gone.example at once.
	flags := optInFlags()
	if len(flags) < 10 {
		t.Fatalf("only %d boolean analyzer flags in the registry: %v", len(flags), flags)
	}
	r := e2e.Run(t, dir, []string{"GOPROXY=off", "GOFLAGS=-mod=mod"}, bin, append(flags, "-json", "./...")...)
	for _, bad := range []string{"internal error", "panic:"} {
		if strings.Contains(r.Output(), bad) {
			t.Errorf("goroguard says %q on packages with a missing import:\n%s", bad, firstLines(r.Output(), bad, 12))
		}
	}
	fs, errs, err := e2e.ParseJSON(dir, r.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	e2e.NoErrors(t, "goroguard -json on packages with a missing import", errs)
	seen := map[string]bool{}
	for _, f := range fs {
		if strings.HasPrefix(f.File, "as-is/") {
			seen[f.Analyzer] = true
		}
	}
	for _, a := range []string{"ctxdone", "asyncwrite", "spawnloop", "hotcgo"} {
		if !seen[a] {
			t.Errorf("no %s finding in the unchanged testdata copies: the run did not analyse them", a)
		}
	}
}

// copyTestdataMissing writes the testdata packages of every analyzer under dir/as-is/ and, for
// each import path they use, under dir/<path>/ the packages that import it, with that import
// pointing at gone.example. It returns how many packages the second kind has.
func copyTestdataMissing(t *testing.T, dir string) int {
	t.Helper()
	root := filepath.Join(e2e.Root(t), "analyzers")
	srcs, err := filepath.Glob(filepath.Join(root, "*", "testdata", "src", "*"))
	if err != nil {
		t.Fatal(err)
	}
	copies := 0
	for _, src := range srcs {
		// Stubs of third-party modules live under a dotted first element; they stay missing.
		if strings.Contains(filepath.Base(src), ".") {
			continue
		}
		analyzer := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(src))))
		files := parseDir(t, src)
		if len(files) == 0 {
			continue
		}
		rel := filepath.Join(analyzer, filepath.Base(src))
		writeFiles(t, filepath.Join(dir, "as-is", rel), files, "")
		for _, p := range importPaths(files) {
			if p == "C" {
				continue // cgo's pseudo-package cannot go missing
			}
			writeFiles(t, filepath.Join(dir, strings.NewReplacer("/", "_", ".", "_").Replace(p), rel), files, p)
			copies++
		}
	}
	return copies
}

// parsedFile is one Go file of a testdata package.
type parsedFile struct {
	name string
	fset *token.FileSet
	file *ast.File
}

func parseDir(t *testing.T, dir string) []parsedFile {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []parsedFile
	for _, name := range names {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, parsedFile{filepath.Base(name), fset, f})
	}
	return files
}

func importPaths(files []parsedFile) []string {
	var paths []string
	for _, f := range files {
		for _, spec := range f.file.Imports {
			if p, err := strconv.Unquote(spec.Path.Value); err == nil && !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		}
	}
	slices.Sort(paths)
	return paths
}

// writeFiles writes files to dir, with the import of missing (if any) renamed to
// gone.example/<missing> under its old name, so the code still compiles up to the types.
func writeFiles(t *testing.T, dir string, files []parsedFile, missing string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		var changed *ast.ImportSpec
		var oldName *ast.Ident
		oldPath := ""
		for _, spec := range f.file.Imports {
			if p, _ := strconv.Unquote(spec.Path.Value); missing != "" && p == missing {
				changed, oldName, oldPath = spec, spec.Name, spec.Path.Value
				if spec.Name == nil {
					spec.Name = ast.NewIdent(importName(p))
				}
				spec.Path.Value = strconv.Quote("gone.example/" + p)
			}
		}
		var buf bytes.Buffer
		if err := format.Node(&buf, f.fset, f.file); err != nil {
			t.Fatal(err)
		}
		if changed != nil { // restore the tree for the next copy
			changed.Name, changed.Path.Value = oldName, oldPath
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// importName is the name a package of import path p declares by convention: its last element,
// or the one before a major version suffix (math/rand/v2).
func importName(p string) string {
	elems := strings.Split(p, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	return strings.NewReplacer(".", "_", "-", "_").Replace(name)
}

// firstLines returns up to n lines of out from the first one that contains s.
func firstLines(out, s string, n int) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, s) {
			return strings.Join(lines[i:min(i+n, len(lines))], "\n")
		}
	}
	return ""
}
