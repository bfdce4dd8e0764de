package guard_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/internal/guard"
)

// fake is a stand-in analyzer that goes through guard.Run like the suite's analyzers: it reports
// every go statement and panics at a call of a function named boom. It borrows the name spawnloop
// so that directives can name it (guard knows the suite's names).
func fake() *analysis.Analyzer {
	a := &analysis.Analyzer{Name: "spawnloop", Doc: "fake: reports go statements"}
	a.Run = guard.Run(a.Name, func(pass *guard.Pass) (any, error) {
		for _, f := range pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.GoStmt:
					pass.At(n.Pos())
					pass.Reportf(n.Pos(), "go statement")
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "boom" {
						pass.At(n.Pos())
						var m map[string]int
						m["boom"]++ // a nil map write: the kind of bug guard must contain
					}
				}
				return true
			})
		}
		return nil, nil
	})
	return a
}

func TestDirectives(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), fake(), "directives")
}

// TestGenerated: findings in generated files are dropped, those in hand-written files of the same
// package are kept.
func TestGenerated(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), fake(), "generated")
}

// TestCgo: cmd/cgo's translation of a user's file is not "generated" for suppression purposes,
// and the finding lands at the user's line.
func TestCgo(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), fake(), "cgocall")
}

// check type-checks src as package p in file p.go and runs the fake analyzer on it directly.
func check(t *testing.T, src string) ([]analysis.Diagnostic, any, error) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	pkg, err := new(types.Config).Check("example.com/p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	var diags []analysis.Diagnostic
	a := fake()
	pass := &analysis.Pass{
		Analyzer:  a,
		Fset:      fset,
		Files:     []*ast.File{f},
		Pkg:       pkg,
		TypesInfo: info,
		ResultOf:  map[*analysis.Analyzer]any{},
		Report:    func(d analysis.Diagnostic) { diags = append(diags, d) },
	}
	res, err := a.Run(pass)
	return diags, res, err
}

// TestPanicBecomesError: a panic in an analyzer becomes an error that names the analyzer and the
// position it was working on, and the diagnostics reported before the panic are kept.
func TestPanicBecomesError(t *testing.T) {
	t.Parallel()
	diags, res, err := check(t, `package p

func boom() {}

func f() {
	go f()
	boom()
}
`)
	if err == nil {
		t.Fatal("a panicking analyzer returned no error")
	}
	for _, want := range []string{"internal error in analyzer spawnloop", "at p.go:7:2", "assignment to entry in nil map"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if res != nil {
		t.Errorf("result %v, want nil after a panic", res)
	}
	if len(diags) != 1 {
		t.Errorf("%d diagnostics before the panic, want 1", len(diags))
	}
}

// TestPanicWithoutPosition: before the analyzer marks a position, the error names the package.
func TestPanicWithoutPosition(t *testing.T) {
	t.Parallel()
	a := &analysis.Analyzer{Name: "hotcgo", Doc: "fake"}
	a.Run = guard.Run(a.Name, func(pass *guard.Pass) (any, error) {
		var p *int
		return *p, nil
	})
	fset := token.NewFileSet()
	pass := &analysis.Pass{Analyzer: a, Fset: fset, Pkg: types.NewPackage("example.com/q", "q"), Report: func(analysis.Diagnostic) {}}
	_, err := a.Run(pass)
	if err == nil || !strings.Contains(err.Error(), "internal error in analyzer hotcgo at package example.com/q") {
		t.Errorf("error %v, want one naming the analyzer and the package", err)
	}
}

// TestNoPanicNoError: the wrapper is transparent for a well-behaved run.
func TestNoPanicNoError(t *testing.T) {
	t.Parallel()
	diags, _, err := check(t, `package p

func f() {
	//goroguard:ignore spawnloop recursion depth is one
	go f()
	go f()
}
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 1 || diags[0].Message != "go statement" {
		t.Errorf("diagnostics %v, want the one unsuppressed go statement", diags)
	}
}
