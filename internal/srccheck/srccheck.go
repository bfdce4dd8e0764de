// Package srccheck type-checks small Go sources for the unit tests of the suite's helper packages:
// stub packages (golang.org/x/sync/errgroup and the like) come from source, the standard library
// from the toolchain's export data, which is ten times faster than type-checking it from source.
package srccheck

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
)

// Stub is a package given by source, imported by the subject under Path.
type Stub struct {
	Path, Src string
}

// Result is the type-checked subject.
type Result struct {
	Fset *token.FileSet
	File *ast.File
	Pkg  *types.Package
	Info *types.Info
}

type stubImporter struct {
	std   types.Importer
	stubs map[string]*types.Package
}

func (s stubImporter) Import(path string) (*types.Package, error) {
	if p, ok := s.stubs[path]; ok {
		return p, nil
	}
	return s.std.Import(path)
}

// Check type-checks the stubs in order (a stub may import earlier ones), then subject as package
// path "p", recording every kind of types.Info the helpers read.
func Check(stubs []Stub, subject string) (*Result, error) {
	fset := token.NewFileSet()
	imp := stubImporter{std: importer.ForCompiler(fset, "gc", nil), stubs: map[string]*types.Package{}}
	check := func(path, src string, info *types.Info) (*ast.File, *types.Package, error) {
		f, err := parser.ParseFile(fset, path+".go", src, 0)
		if err != nil {
			return nil, nil, err
		}
		conf := types.Config{Importer: imp}
		pkg, err := conf.Check(path, fset, []*ast.File{f}, info)
		return f, pkg, err
	}
	for _, s := range stubs {
		_, pkg, err := check(s.Path, s.Src, nil)
		if err != nil {
			return nil, err
		}
		imp.stubs[s.Path] = pkg
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	f, pkg, err := check("p", subject, info)
	if err != nil {
		return nil, err
	}
	return &Result{Fset: fset, File: f, Pkg: pkg, Info: info}, nil
}

// errgroupSrc is a minimal golang.org/x/sync/errgroup: the API the helpers know about.
const errgroupSrc = `package errgroup

import "context"

type Group struct{}

func (g *Group) Go(f func() error) {}
func (g *Group) Wait() error       { return nil }
func (g *Group) SetLimit(n int)    {}

func WithContext(ctx context.Context) (*Group, context.Context) { return nil, ctx }
`

// ErrgroupStubs returns errgroup under its own path and under a vendored one
// ("x/vendor/golang.org/x/sync/errgroup"), so tests can check that vendored copies match too.
func ErrgroupStubs() []Stub {
	return []Stub{
		{Path: "golang.org/x/sync/errgroup", Src: errgroupSrc},
		{Path: "x/vendor/golang.org/x/sync/errgroup", Src: errgroupSrc},
	}
}
