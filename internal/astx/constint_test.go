package astx

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

func TestConstInt(t *testing.T) {
	t.Parallel()
	const src = `package p

const probes = 8

var n = 3

var (
	literal  = 5
	named    = probes
	sum      = probes + 2
	variable = n
	float    = 2.5
)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	if _, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	values := map[string]ast.Expr{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				values[vs.Names[0].Name] = vs.Values[0]
			}
		}
	}
	tests := []struct {
		name string
		want int64
		ok   bool
	}{
		{"literal", 5, true},
		{"named", 8, true},
		{"sum", 10, true},
		{"variable", 0, false},
		{"float", 0, false},
	}
	for _, tt := range tests {
		got, ok := ConstInt(info, values[tt.name])
		if got != tt.want || ok != tt.ok {
			t.Errorf("ConstInt(%s) = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
