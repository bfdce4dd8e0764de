package hotcgo_test

import (
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/goroguard/goroguard/analyzers/hotcgo"
)

// typecheckCgo is go/packages' unexported LoadMode bit typecheckCgo, the bit after NeedForTest
// (gopls sets it through x/tools' packagesinternal.TypecheckCgo): cgo files are type-checked as
// written, in go/types' UsesCgo mode, next to cmd/cgo's _cgo_gotypes.go. TestUsesCgo checks that
// the syntax really has that shape, so a renumbering in x/tools fails the test instead of
// silently testing the default shape.
const typecheckCgo = packages.NeedForTest << 1

// TestUsesCgo runs hotcgo the way gopls does: on the cgo files as written (C.f(x) is a selector
// whose Sel resolves to cmd/cgo's _Cfunc_f, no pointer-check wrappers), once with _cgo_gotypes.go
// among the pass's files and once without it. The findings and facts must be the ones the
// packages' want comments expect in the default (translated) shape.
func TestUsesCgo(t *testing.T) {
	t.Parallel()
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedDeps | packages.NeedTypes | packages.NeedTypesSizes |
			packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule | typecheckCgo,
		Dir: testdata,
		Env: append(os.Environ(), "GOPATH="+testdata, "GO111MODULE=off", "GOWORK=off", "CGO_ENABLED=1"),
	}
	pkgs, err := packages.Load(cfg, "a", "codec", "app", "typeparams", "odd", "chains", "cgooff/app")
	if err != nil {
		t.Fatal(err)
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			t.Errorf("load %s: %v", p.PkgPath, e)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	for _, p := range pkgs {
		if p.PkgPath != "a" {
			continue
		}
		if n := usesCgoCalls(p); n == 0 {
			t.Fatalf("package a was not type-checked in UsesCgo mode (no C.f selector resolves to _Cfunc_f): check typecheckCgo's bit")
		}
		if !hasCgoTypes(p) {
			t.Fatalf("package a: _cgo_gotypes.go is not among the syntax files: %v", p.CompiledGoFiles)
		}
	}

	t.Run("with _cgo_gotypes.go", func(t *testing.T) { checkUsesCgo(t, pkgs) })

	// gopls may leave cmd/cgo's file out of the pass's files; the types already know its
	// declarations.
	for _, p := range pkgs {
		var files []*ast.File
		for _, f := range p.Syntax {
			if !isCgoTypes(f) {
				files = append(files, f)
			}
		}
		p.Syntax = files
	}
	t.Run("without _cgo_gotypes.go", func(t *testing.T) { checkUsesCgo(t, pkgs) })
}

// checkUsesCgo analyses pkgs and compares the root packages' diagnostics and exported facts with
// their want comments; every package analysed, dependencies included (net, os/user, runtime/cgo
// in UsesCgo mode), must run without error.
func checkUsesCgo(t *testing.T, pkgs []*packages.Package) {
	a := hotcgo.New(hotcgo.Default())
	g, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	analysed := 0
	for act := range g.All() {
		if act.Err != nil {
			t.Errorf("%v: %v", act, act.Err)
		}
		if act.Analyzer == a {
			analysed++
		}
	}
	findings := 0
	for _, act := range g.Roots {
		if act.Analyzer != a {
			continue
		}
		p := act.Package
		wants := parseWants(t, p)
		for _, d := range act.Diagnostics {
			findings++
			pos := p.Fset.Position(d.Pos)
			if !wants.match(key{filepath.Base(pos.Filename), pos.Line}, "", d.Message) {
				t.Errorf("%s: unexpected diagnostic: %s", pos, d.Message)
			}
		}
		for _, f := range act.AllObjectFacts() {
			if f.Object.Pkg() != p.Types {
				continue
			}
			pos := p.Fset.Position(f.Object.Pos())
			if !wants.match(key{filepath.Base(pos.Filename), pos.Line}, f.Object.Name(), fmt.Sprint(f.Fact)) {
				t.Errorf("%s: unexpected fact %s: %v", pos, f.Object.Name(), f.Fact)
			}
		}
		for k, ws := range wants {
			for _, w := range ws {
				if w.fact == "" {
					t.Errorf("%s:%d: %s: no diagnostic matching %q", p.PkgPath, k.line, k.file, w.re)
				} else {
					t.Errorf("%s:%d: %s: no fact %s matching %q", p.PkgPath, k.line, k.file, w.fact, w.re)
				}
			}
		}
	}
	if findings == 0 {
		t.Error("no findings at all")
	}
	t.Logf("%d packages analysed, %d findings in the roots", analysed, findings)
}

// usesCgoCalls counts the C.f call selectors whose Sel resolves to cmd/cgo's _Cfunc_f: the shape
// of UsesCgo mode.
func usesCgoCalls(p *packages.Package) int {
	n := 0
	for _, f := range p.Syntax {
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "C" {
					if fn, ok := p.TypesInfo.Uses[sel.Sel].(*types.Func); ok && strings.HasPrefix(fn.Name(), "_Cfunc_") {
						n++
					}
				}
			}
			return true
		})
	}
	return n
}

// hasCgoTypes reports whether p's syntax includes cmd/cgo's _cgo_gotypes.go.
func hasCgoTypes(p *packages.Package) bool {
	for _, f := range p.Syntax {
		if isCgoTypes(f) {
			return true
		}
	}
	return false
}

// isCgoTypes recognises _cgo_gotypes.go by content: go/packages' UsesCgo mode names it by its
// build-cache hash. It is the generated file that imports runtime/cgo.
func isCgoTypes(f *ast.File) bool {
	if !ast.IsGenerated(f) {
		return false
	}
	for _, spec := range f.Imports {
		if spec.Path.Value == `"runtime/cgo"` {
			return true
		}
	}
	return false
}

type key struct {
	file string
	line int
}

type want struct {
	fact string // object name of a fact expectation (Name:"..."); "" for a diagnostic
	re   *regexp.Regexp
}

type wants map[key][]want

// wantRE matches one expectation of an analysistest want comment: a Go string literal, optionally
// preceded by name: for a fact.
var wantRE = regexp.MustCompile("(?:([A-Za-z_][A-Za-z_0-9]*):)?(`[^`]*`|\"(?:[^\"\\\\]|\\\\.)*\")")

// parseWants reads the // want comments of p's files, as analysistest does.
func parseWants(t *testing.T, p *packages.Package) wants {
	ws := wants{}
	for _, f := range p.Syntax {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				text, ok := strings.CutPrefix(c.Text, "//")
				if !ok {
					continue
				}
				text, ok = strings.CutPrefix(strings.TrimSpace(text), "want ")
				if !ok {
					continue
				}
				pos := p.Fset.Position(c.Pos())
				k := key{filepath.Base(pos.Filename), pos.Line}
				for _, m := range wantRE.FindAllStringSubmatch(text, -1) {
					s, err := strconv.Unquote(m[2])
					if err != nil {
						t.Fatalf("%s: bad want %s: %v", pos, m[0], err)
					}
					ws[k] = append(ws[k], want{fact: m[1], re: regexp.MustCompile(s)})
				}
			}
		}
	}
	return ws
}

// match removes and reports the first expectation at k for fact (or a diagnostic, fact "") that
// matches text.
func (ws wants) match(k key, fact, text string) bool {
	for i, w := range ws[k] {
		if w.fact == fact && w.re.MatchString(text) {
			ws[k] = append(ws[k][:i:i], ws[k][i+1:]...)
			if len(ws[k]) == 0 {
				delete(ws, k)
			}
			return true
		}
	}
	return false
}
